// moesim — TPU-style 2D/3D torus of chips with wrap-around links.
#pragma once

#include <array>
#include <vector>

#include "topologies/cluster_spec.h"
#include "topologies/graph_topology.h"

namespace moesim::topologies {

/// Chips on a 2D or 3D torus (TPUv3 pod: 32x32; TPUv4 pod: 16x16x16 from 4x4x4 cubes), every chip wired to
/// its two neighbours in each dimension with wrap-around ("ici" tier), except along axes the spec marks
/// without wrap-around (a mesh axis: routes go the straight way); a dimension of size 2 has one cable,
/// of size 1 none. Rank d has coordinates x = d % X, y = d / X % Y, z = d / (X Y). No switch vertices.
/// Routing is dimension-order (x, then y, then z), each dimension the shorter way round; when both ways are
/// equally short (distance exactly D/2) route() splits the flow half each way and single_path() takes the
/// + direction. Hosts (node_of) are `chips_per_host` consecutive ranks.
class TorusTopology : public GraphTopology {
 public:
  explicit TorusTopology(const ClusterSpec& spec);

  void route(int src, int dst, std::vector<RouteHop>& out) const override;
  void single_path(int src, int dst, std::vector<LinkId>& out) const override;
  int hop_count(int src, int dst) const override;
  long long path_count(int src, int dst) const override;
  double bisection_bandwidth_Bps() const override;
  std::string description() const override;
  /// Dimension-order aggregation: a flow's x phase depends only on (source, destination x), its y phase on
  /// (chip after x, destination y), its z phase likewise; bytes are summed per (chip, target coordinate) in
  /// one pass over the pairs and each sum walks its ring segment once.
  bool accumulate_traffic(const TrafficMatrix& traffic, std::vector<double>& link_bytes) const override;
  /// Same aggregation for a list of flows (when there are enough of them to pay for it).
  void accumulate_flows(const Flow* flows, std::size_t count, double scale,
                        std::vector<double>& link_bytes) const override;

  const std::vector<int>& dims() const { return dims_; }
  /// Whether dimension k has its wrap-around cable (TorusSpec::wraparound).
  bool wraps(int k) const {
    return spec_.torus.wraparound.empty() || spec_.torus.wraparound[static_cast<std::size_t>(k)];
  }
  const ClusterSpec* cluster_spec() const override { return &spec_; }
  /// Coordinate of `device` along dimension k.
  int coordinate(int device, int k) const { return coord(device, k); }

 private:
  class LegSums;
  /// How a route crosses dimension k from coordinate `from` to `to`: direction, hops, and whether it
  /// splits half each way (exactly half way round a wrapped ring).
  struct Leg {
    int dir;
    int hops;
    bool split;
  };
  Leg leg(int k, int from, int to) const;
  int coord(int device, int k) const { return device / stride_[k] % dims_[k]; }
  /// Link from `device` to its neighbour one step in direction `dir` (+1 / -1) of dimension k.
  LinkId step_link(int device, int k, int dir) const {
    return (dir > 0 ? plus_ : minus_)[static_cast<std::size_t>(device) * dims_.size() + k];
  }
  /// Neighbour of `device` one step in direction `dir` of dimension k (a table lookup).
  int step(int device, int k, int dir) const {
    return (dir > 0 ? next_plus_ : next_minus_)[static_cast<std::size_t>(device) * dims_.size() + k];
  }
  int neighbour(int device, int k, int dir) const;

  ClusterSpec spec_;
  std::vector<int> dims_;
  std::array<int, 3> stride_{1, 1, 1};
  double link_Bps_;
  std::vector<LinkId> plus_, minus_;
  std::vector<int> next_plus_, next_minus_;
};

}  // namespace moesim::topologies
