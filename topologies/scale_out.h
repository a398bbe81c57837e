// moesim — the network between servers' NICs (fat-tree or dragonfly), as ClusterTopology composes it.
#pragma once

#include <string>
#include <vector>

#include "topologies/topology.h"

namespace moesim::topologies {

/// Bytes between two edge switches (a != b), for aggregated link accounting.
struct SwitchFlow {
  int a = 0;
  int b = 0;
  double bytes = 0;
};

/// The switches above the NICs. Endpoints are NICs numbered node * nics_per_node + nic; each plugs into an
/// edge switch (leaf or router). Routes here run between edge switches: ClusterTopology adds the NIC hops.
class ScaleOut {
 public:
  virtual ~ScaleOut() = default;
  virtual int edge_switch_count() const = 0;
  /// Edge switch (0..edge_switch_count()-1) that endpoint `endpoint` plugs into, and its vertex.
  virtual int edge_switch_of(int endpoint) const = 0;
  virtual int edge_switch_vertex(int edge_switch) const = 0;
  /// Appends the ECMP hops from edge switch a to edge switch b (a != b), scaling fractions by `fraction`.
  virtual void route(int a, int b, double fraction, std::vector<RouteHop>& out) const = 0;
  /// Appends one path from a to b (a != b) for the flow from endpoint `src` to endpoint `dst`: a
  /// deterministic choice among the equal-cost paths (see the fabrics for the rule).
  virtual void single_path(int a, int b, int src, int dst, std::vector<LinkId>& out) const = 0;
  /// Adds the ECMP loads of `flows` to `link_bytes`; the default routes each one.
  virtual void accumulate(const std::vector<SwitchFlow>& flows, std::vector<double>& link_bytes) const;
  virtual int hops(int a, int b) const = 0;
  virtual long long paths(int a, int b) const = 0;
  /// Bandwidth of the switch layers across the worst halving cut, bytes/s one direction (NIC links excluded).
  virtual double bisection_Bps() const = 0;
  virtual std::string description() const = 0;
};

}  // namespace moesim::topologies
