// moesim — 2- and 3-level fat-trees (optionally rail-optimised) above the servers' NICs.
#pragma once

#include <vector>

#include "topologies/fat_tree_shape.h"
#include "topologies/scale_out.h"

namespace moesim::topologies {

class ClusterTopology;
struct ClusterSpec;

/// Folded-Clos fat-tree (Leiserson 1985; Al-Fares et al. SIGCOMM 2008) sized by FatTreeShape, rail-optimised
/// as in NVIDIA's DGX SuperPOD when asked (NIC r of every server of a scalable unit on the rail-r leaf).
/// Routing is up-down: up to the lowest common layer, then down. ECMP splits a flow evenly over every up
/// link (leaf -> its pod's spines, spine -> its core group) and over parallel cables. `single_path` is
/// d-mod-k routing (Zahavi, Johnson, Kerbyson, Lang, "Optimized InfiniBand fat-tree routing for shift
/// all-to-all communication patterns", CCPE 2010): the up link is picked by a key of the flow's NIC
/// indices taken modulo the up ports, so shift permutations (ring steps) and exchanges between two leaves
/// spread over every up link as ECMP does; see key_of(). Rail-local traffic (same rail, same scalable
/// unit) never leaves its leaf. Tiers: "spine" (leaf-spine cables), "core" (spine-core cables). Switch
/// vertices: leaves, then spines (pod-major), then cores.
class FatTree : public ScaleOut {
 public:
  FatTree(const ClusterSpec& spec, ClusterTopology& topo);

  int edge_switch_count() const override { return shape_.leaves; }
  int edge_switch_of(int endpoint) const override { return endpoint_leaf_[endpoint]; }
  int edge_switch_vertex(int leaf) const override { return leaf_vertex_[leaf]; }
  void route(int a, int b, double fraction, std::vector<RouteHop>& out) const override;
  void single_path(int a, int b, int src, int dst, std::vector<LinkId>& out) const override;
  /// ECMP loads depend only on each leaf's bytes to and from other leaves and each pod's bytes to and from
  /// other pods, so flows are summed into those totals first (O(flows + links)).
  void accumulate(const std::vector<SwitchFlow>& flows, std::vector<double>& link_bytes) const override;
  int hops(int a, int b) const override { return pod(a) == pod(b) ? 2 : 4; }
  long long paths(int a, int b) const override;
  double bisection_Bps() const override;
  std::string description() const override;

  const FatTreeShape& shape() const { return shape_; }

 private:
  int pod(int leaf) const { return leaf / shape_.leaves_per_pod; }
  /// d-mod-k key of a flow: the NICs' leaf-major indices g = leaf * down + port, combined as
  /// g_dst + 2 g_src. The destination term alone (classic d-mod-k) is collision-free for shift
  /// permutations; the source term (odd multiple 2+1 on the step) keeps them so and also spreads the
  /// traffic of many sources towards few destinations.
  long long key_of(int src, int dst) const;

  FatTreeShape shape_;
  int levels_;
  bool rail_;
  int radix_;
  double link_Bps_;
  std::vector<int> endpoint_leaf_;
  std::vector<int> endpoint_port_;  ///< port of each NIC on its leaf
  std::vector<int> leaf_vertex_;
  // leaf_up_[leaf * up + j * p + i]: leaf -> spine j of its pod, parallel cable i; leaf_down_: the reverse.
  std::vector<LinkId> leaf_up_, leaf_down_;
  // spine_up_[(pod * S + j) * spine_up + m * p3 + i]: spine j of pod -> core m of group j, cable i.
  std::vector<LinkId> spine_up_, spine_down_;
};

}  // namespace moesim::topologies
