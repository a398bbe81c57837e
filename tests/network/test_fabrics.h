// Test-only fabrics with hand-checkable routes (a ring, and 2-tier nodes: NVSwitch inside, one NIC per GPU
// to a non-blocking core switch). Used until/alongside topologies/topology_factory.h.
#pragma once

#include <vector>

#include "topologies/topology.h"

namespace moesim::testing {

/// Shared bookkeeping: vertices 0..N-1 are devices, switches follow; links in insertion order.
class FabricBase : public topologies::Topology {
 public:
  int device_count() const override { return devices_; }
  int node_count() const override { return nodes_; }
  int node_of(int device) const override { return device / per_node_; }
  int local_rank(int device) const override { return device % per_node_; }
  const topologies::Graph& graph() const override { return graph_; }
  std::size_t link_count() const override { return links_.size(); }
  const topologies::LinkProps& link(topologies::LinkId id) const override { return links_[id]; }
  std::pair<int, int> link_endpoints(topologies::LinkId id) const override { return ends_[id]; }
  const std::vector<std::string>& tiers() const override { return tiers_; }
  void single_path(int src, int dst, std::vector<topologies::LinkId>& out) const override;
  int hop_count(int src, int dst) const override;
  double route_latency_s(int src, int dst) const override;

 protected:
  FabricBase(int devices, int per_node, int switches, std::vector<std::string> tiers);
  topologies::LinkId add_link(int from, int to, double bw_Bps, double lat_s, int tier);

  int devices_;
  int per_node_;
  int nodes_;
  topologies::Graph graph_;
  std::vector<topologies::LinkProps> links_;
  std::vector<std::pair<int, int>> ends_;
  std::vector<std::string> tiers_;
};

/// n devices in a bidirectional ring (one node per device); routes take the shorter way (ties clockwise).
class RingFabric final : public FabricBase {
 public:
  RingFabric(int n, double bw_Bps, double lat_s);
  void route(int src, int dst, std::vector<topologies::RouteHop>& out) const override;

 private:
  std::vector<topologies::LinkId> cw_, ccw_;  // cw_[i]: i -> i+1, ccw_[i]: i -> i-1
};

/// `nodes` servers of `per_node` GPUs; each GPU has an NVLink port to its node's NVSwitch (tier 0
/// "nvlink") and a NIC to one non-blocking core switch (tier 1 "nic"). Intra-node: GPU-NVSwitch-GPU;
/// inter-node: GPU-core-GPU. A 1-node instance is a star.
class TwoTierFabric final : public FabricBase {
 public:
  TwoTierFabric(int nodes, int per_node, double nvlink_Bps, double nvlink_lat_s, double nic_Bps,
                double nic_lat_s);
  void route(int src, int dst, std::vector<topologies::RouteHop>& out) const override;

 private:
  std::vector<topologies::LinkId> nv_up_, nv_down_, nic_up_, nic_down_;
};

}  // namespace moesim::testing
