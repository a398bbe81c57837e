// moesim — internal: the schedule builders of the collective algorithms and what they share.
#pragma once

#include <optional>
#include <vector>

#include "sim/collectives/collective.h"

namespace moesim::collectives::detail {

/// A group's members arranged by node (nodes in order of first appearance, members in group order).
struct GroupLayout {
  int n = 0;
  int nodes = 0;
  bool uniform = false;                   ///< every node holds the same number of members
  int per_node = 0;                       ///< members per node when uniform
  int rails = 1;                          ///< distinct NICs the members of one node use (uniform groups)
  bool torus_box = false;                 ///< on a torus: the group is every chip of a box of coordinates
  std::vector<std::vector<int>> members;  ///< per node: device ranks
  std::vector<int> node_index;            ///< per group rank
  std::vector<int> local_index;           ///< per group rank: position among its node's members
};
GroupLayout layout_of(const std::vector<int>& group, const topologies::Topology& topology);
/// On a torus: the sorted coordinates per dimension of a group that is every chip of a box; else nullopt.
std::optional<std::vector<std::vector<int>>> torus_box_of(const std::vector<int>& group,
                                                          const topologies::Topology& topology);
/// The NIC (rail) a device's inter-node traffic leaves through: local rank x nics / gpus.
int rail_of(int device, const topologies::Topology& topology);

/// Everything a builder reads. With `with_transfers` false the builder fills only the schedule's
/// structure (launch, phases with repeat, overhead, floor, efficiency): the tuner prices protocols from
/// one routed build.
struct Build {
  const CollectiveRequest& request;
  const GroupLayout& layout;
  const topologies::Topology& topology;
  const LibraryModel& library;
  Protocol protocol;
  bool with_transfers;
};

/// True when `a` implements request.op on this group with this library (protocol not considered).
bool applies(Algorithm a, const CollectiveRequest& request, const GroupLayout& layout,
             const LibraryModel& lib);
/// The protocols NCCL would consider for `a` (Simple only for NVLS, CollNet, PAT, ICI and all-to-all).
std::vector<Protocol> protocols_of(Algorithm a, const LibraryModel& lib);

network::Schedule ring(const Build& b);
network::Schedule tree(const Build& b);
network::Schedule hierarchical_2d(const Build& b);
network::Schedule pat(const Build& b);
network::Schedule nvls(const Build& b);
network::Schedule nvls_tree(const Build& b);
network::Schedule sharp(const Build& b);
network::Schedule torus(const Build& b);
network::Schedule a2a_direct(const Build& b);
network::Schedule a2a_pairwise(const Build& b);
network::Schedule a2a_hierarchical(const Build& b);

/// nsteps of a ring for `op` over n ranks: all-reduce 2(n-1), reduce-scatter and all-gather n-1.
int ring_steps(CollectiveOp op, int n);
/// Parent of every position of the two trees of NCCL's double binary tree over k positions
/// (src/graph/trees.cc: the second tree mirrors the first): parent[t][p], -1 for a root.
std::vector<std::vector<int>> double_tree_parents(int k);
/// floor(log2(x)) for x >= 1 (NCCL's log2i).
int log2i(int x);

}  // namespace moesim::collectives::detail
