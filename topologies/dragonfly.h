// moesim — dragonfly above the servers' NICs.
#pragma once

#include <vector>

#include "topologies/scale_out.h"

namespace moesim::topologies {

class ClusterTopology;
struct ClusterSpec;

/// Dragonfly (Kim, Dally, Scott, Abts, ISCA 2008): groups of `a` routers wired all-to-all ("local" tier),
/// each router with `h` global ports; group x's global port k goes to group k (k < x) or k + 1 (k >= x), so
/// every pair of groups shares exactly one cable ("global" tier). NICs fill routers in order, routers fill
/// groups (the last group is built whole). Routing is minimal: local hop to the router holding the global
/// cable, the global cable, local hop to the destination router (at most 3 switch-switch hops, one path).
class Dragonfly : public ScaleOut {
 public:
  Dragonfly(const ClusterSpec& spec, ClusterTopology& topo);

  int edge_switch_count() const override { return routers_; }
  int edge_switch_of(int endpoint) const override { return endpoint / nics_per_router_; }
  int edge_switch_vertex(int router) const override { return router_vertex_[router]; }
  void route(int a, int b, double fraction, std::vector<RouteHop>& out) const override;
  void single_path(int a, int b, int src, int dst, std::vector<LinkId>& out) const override;
  int hops(int a, int b) const override;
  long long paths(int, int) const override { return 1; }
  double bisection_Bps() const override;
  std::string description() const override;

 private:
  /// Local index (in group x) of the router holding the global cable to group y.
  int gateway(int x, int y) const { return (y < x ? y : y - 1) / h_; }
  LinkId local(int group, int i, int j) const {
    return local_[(static_cast<std::size_t>(group) * a_ + i) * a_ + j];
  }
  /// Calls f(link) for each link of the minimal route a -> b.
  template <typename F>
  void walk(int a, int b, F&& f) const;

  int a_, h_, nics_per_router_, routers_, groups_;
  double local_Bps_, global_Bps_;
  std::vector<int> router_vertex_;
  std::vector<LinkId> local_;   ///< [group][i][j]: router i -> router j of the group
  std::vector<LinkId> global_;  ///< [x][y]: group x's gateway -> group y's gateway
};

}  // namespace moesim::topologies
