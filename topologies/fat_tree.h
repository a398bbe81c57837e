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
/// link (leaf -> its pod's spines, spine -> its core group) and over parallel cables; `single_path` picks
/// the up links by the destination NIC (d-mod-k, as SimGrid's FatTreeZone). Tiers: "spine" (leaf-spine
/// cables), "core" (spine-core cables). Switch vertices: leaves, then spines (pod-major), then cores.
class FatTree : public ScaleOut {
 public:
  FatTree(const ClusterSpec& spec, ClusterTopology& topo);

  int edge_switch_count() const override { return shape_.leaves; }
  int edge_switch_of(int endpoint) const override { return endpoint_leaf_[endpoint]; }
  int edge_switch_vertex(int leaf) const override { return leaf_vertex_[leaf]; }
  void route(int a, int b, double fraction, std::vector<RouteHop>& out) const override;
  void single_path(int a, int b, int key, std::vector<LinkId>& out) const override;
  int hops(int a, int b) const override { return pod(a) == pod(b) ? 2 : 4; }
  long long paths(int a, int b) const override;
  double bisection_Bps() const override;
  std::string description() const override;

  const FatTreeShape& shape() const { return shape_; }

 private:
  int pod(int leaf) const { return leaf / shape_.leaves_per_pod; }

  FatTreeShape shape_;
  int levels_;
  bool rail_;
  int radix_;
  double link_Bps_;
  std::vector<int> endpoint_leaf_;
  std::vector<int> leaf_vertex_;
  // leaf_up_[leaf * up + j * p + i]: leaf -> spine j of its pod, parallel cable i; leaf_down_: the reverse.
  std::vector<LinkId> leaf_up_, leaf_down_;
  // spine_up_[(pod * S + j) * spine_up + m * p3 + i]: spine j of pod -> core m of group j, cable i.
  std::vector<LinkId> spine_up_, spine_down_;
};

}  // namespace moesim::topologies
