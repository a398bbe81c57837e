// moesim — a cluster fabric as a directed Boost.Graph with routing and link-load accounting.
//
// CONTRACT (the fabric implementations provide it; the network backends code against it): the names and
// signatures below are what other modules use. Extend freely; change them only together with callers.
#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace moesim::topologies {

class TrafficMatrix;
struct ClusterSpec;

/// Bytes from device `src` to device `dst` (device ranks), for link accounting. src == dst or bytes == 0
/// puts nothing on the network.
struct Flow {
  int src = 0;
  int dst = 0;
  double bytes = 0;
};

/// What a graph vertex is.
enum class VertexKind { kDevice, kSwitch };

/// A vertex: an accelerator (index = device rank 0..N-1) or a switch (index = switch number).
struct VertexProps {
  VertexKind kind = VertexKind::kDevice;
  int index = 0;
  std::string name;  ///< e.g. "gpu17", "leaf3", "spine0", "nvswitch2"
};

/// One direction of a physical link. A full-duplex cable is two edges, one each way, so that an
/// all-to-all's load is counted per direction as the hardware carries it.
struct LinkProps {
  double bandwidth_Bps = 0;  ///< bytes per second, one direction
  double latency_s = 0;      ///< propagation + switch traversal, seconds
  int tier = 0;              ///< index into Topology::tiers() ("nvlink", "leaf", "spine", "ici", ...)
  std::uint32_t id = 0;      ///< this link's LinkId, so that graph edges map to the link tables
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, VertexProps, LinkProps>;
using LinkId = std::uint32_t;  ///< dense edge number in [0, link_count())

/// One hop of a route: the link and the fraction of the flow's bytes that cross it (ECMP splits a flow
/// evenly over equal-cost paths, so a spine link may carry 1/k of it).
struct RouteHop {
  LinkId link;
  double fraction;
};

/// A cluster's devices, switches and directed links, and its routing. Devices are vertices 0..N-1.
class Topology {
 public:
  virtual ~Topology() = default;

  virtual int device_count() const = 0;
  /// Number of servers / hosts (an 8-GPU DGX is one node; a TPU host holds 4 chips).
  virtual int node_count() const = 0;
  /// The node that device `d` sits in, and its rank inside that node.
  virtual int node_of(int device) const = 0;
  virtual int local_rank(int device) const = 0;

  virtual const Graph& graph() const = 0;
  virtual std::size_t link_count() const = 0;
  /// Properties and endpoints (vertex numbers) of link `id`.
  virtual const LinkProps& link(LinkId id) const = 0;
  virtual std::pair<int, int> link_endpoints(LinkId id) const = 0;
  /// Tier names, indexed by LinkProps::tier.
  virtual const std::vector<std::string>& tiers() const = 0;

  /// Fills `out` (cleared first) with the hops of the route from device `src` to device `dst`, ECMP
  /// fractions included (fat-trees), dimension-order (tori). Must not allocate once `out` has grown:
  /// an all-to-all among 2,048 devices routes 4.2M pairs.
  virtual void route(int src, int dst, std::vector<RouteHop>& out) const = 0;
  /// One concrete path (no ECMP split; a deterministic choice such as d-mod-k), for backends that
  /// need a single path per pair (SimGrid).
  virtual void single_path(int src, int dst, std::vector<LinkId>& out) const = 0;
  /// Number of links on the route from src to dst (0 when src == dst).
  virtual int hop_count(int src, int dst) const = 0;
  /// Sum of link latencies along the route, seconds.
  virtual double route_latency_s(int src, int dst) const = 0;

  // ---- Optional queries (defaults keep other implementations of Topology compiling). ----

  /// Number of distinct equal-cost link-level paths that route() spreads src->dst over (1 without ECMP).
  virtual long long path_count(int /*src*/, int /*dst*/) const { return 1; }
  /// Switch vertices (NVSwitch, PCIe switch, leaf, spine, core, router).
  virtual int switch_count() const { return 0; }
  /// Bandwidth in bytes/s, one direction, across the cut that splits the devices into two equal halves
  /// along the fabric's hierarchy (the worst such cut for a fat-tree / torus / dragonfly); 0 when unknown.
  virtual double bisection_bandwidth_Bps() const { return 0; }
  /// One line such as "fat-tree 2 levels radix 64, 128 x nvswitch servers".
  virtual std::string description() const { return "topology"; }
  /// Aggregated-view group of vertex `v` (a server, a block of torus chips, a switch layer), for DOT output.
  virtual int vertex_group(int v) const { return v; }
  virtual std::string group_name(int group) const;
  /// Adds the bytes of `traffic` onto `link_bytes` (size link_count()) faster than route() per pair, by
  /// exploiting the fabric's regularity. Returns false when the fabric has no such path (then the caller
  /// routes every pair).
  virtual bool accumulate_traffic(const TrafficMatrix& /*traffic*/,
                                  std::vector<double>& /*link_bytes*/) const {
    return false;
  }

  /// Adds `scale` x the bytes of every flow onto the links of its route (ECMP fractions included) in
  /// `link_bytes` (size link_count()). The result equals route() per flow; fabrics override it with an
  /// aggregated walk (a fat-tree's ECMP loads depend only on per-leaf and per-pod totals), which is what
  /// keeps the link accounting of a collective over 16,384 devices in milliseconds.
  virtual void accumulate_flows(const Flow* flows, std::size_t count, double scale,
                                std::vector<double>& link_bytes) const;

  /// The cluster description this fabric was built from (hop classes, NVLS/SHARP capabilities,
  /// collective-library settings), or nullptr for fabrics built by hand (tests).
  virtual const ClusterSpec* cluster_spec() const { return nullptr; }
};

}  // namespace moesim::topologies
