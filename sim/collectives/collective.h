// moesim — collectives as the transfer sequences a real library issues.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/collectives/library_params.h"
#include "sim/collectives/traffic_matrix.h"
#include "sim/network/traffic.h"
#include "topologies/topology.h"

namespace moesim::collectives {

enum class CollectiveOp { kAllToAll, kAllReduce, kReduceScatter, kAllGather };

/// How the collective moves its bytes.
enum class Algorithm {
  kAuto,            ///< direct for all-to-all, ring for the others
  kDirect,          ///< all-to-all: every pair at once, one phase (NCCL grouped send/recv)
  kPairwise,        ///< all-to-all: n-1 phases, in phase k rank i sends to rank (i+k) mod n (MPI pairwise)
  kHierarchical,    ///< all-to-all: Tutel 2DH / DeepSpeed hierarchical, see all_to_all.cpp
  kRing,            ///< all-reduce 2(n-1) steps, reduce-scatter / all-gather n-1 steps (NCCL ring)
  kTree,            ///< all-reduce: double binary tree, pipelined in chunks (NCCL tree, Sanders et al. 2009)
  kHierarchical2D,  ///< all-reduce: intra-node ring reduce-scatter, inter-node ring all-reduce among
                    ///< same-local-rank peers, intra-node ring all-gather (Horovod/BlueConnect 2D)
};

std::string_view op_name(CollectiveOp op);
std::string_view algorithm_name(Algorithm a);
/// Parse "all-to-all" etc. / "direct" etc.; throw std::invalid_argument naming the accepted values.
CollectiveOp parse_op(std::string_view name);
Algorithm parse_algorithm(std::string_view name);

/// One collective over a group of devices.
///
/// `bytes` follows the nccl-tests convention (PERFORMANCE.md of NVIDIA/nccl-tests): all-reduce — the
/// buffer on every rank; reduce-scatter — the input per rank (each rank keeps bytes/n); all-gather — the
/// output per rank (each rank contributes bytes/n); all-to-all — the send buffer per rank. For an uneven
/// all-to-all give `matrix` (group-rank indices) and leave `bytes` as the mean send buffer per rank.
struct CollectiveRequest {
  CollectiveOp op = CollectiveOp::kAllReduce;
  Algorithm algorithm = Algorithm::kAuto;
  std::vector<int> group;  ///< device ranks of the Topology, in collective-rank order
  double bytes = 0;
  const ByteMatrix* matrix = nullptr;  ///< all-to-all only; n × n with n = group.size()
};

/// The algorithm that kAuto resolves to for `op`.
Algorithm resolve_algorithm(CollectiveOp op, Algorithm a);

/// Builds the schedule (phases of transfers with the library's fixed overheads) of one collective.
/// Throws std::invalid_argument for an empty group, a device outside the topology, an algorithm that
/// does not implement `op`, or a hierarchical algorithm on a group whose nodes hold unequal numbers of
/// its members.
network::Schedule build_schedule(const CollectiveRequest& request, const topologies::Topology& topology,
                                 const LibraryParams& params = {});

/// nccl-tests bus bandwidth factor: busbw = algbw × factor, algbw = bytes / time. all-reduce 2(n-1)/n,
/// reduce-scatter and all-gather (n-1)/n, all-to-all (n-1)/n.
double bus_bandwidth_factor(CollectiveOp op, int n);

// ---- building blocks, shared by the algorithm files ----

/// Group members arranged by node: members[m][j] = device of local index j on the m-th node (nodes in
/// order of first appearance in the group). Throws std::invalid_argument if nodes hold unequal counts.
struct NodeLayout {
  int nodes = 0;
  int per_node = 0;
  std::vector<std::vector<int>> members;
  std::vector<int> node_index;   ///< per group rank: its m
  std::vector<int> local_index;  ///< per group rank: its j
};
NodeLayout node_layout(const std::vector<int>& group, const topologies::Topology& topology);

/// Sets a phase's overhead from the library params: inter-node step latency if any transfer leaves its
/// node, else the intra-node one; plus (k-1) × message_s where k is the most messages one rank sends.
void set_step_overhead(network::Phase& phase, const topologies::Topology& topology,
                       const LibraryParams& params);

/// Ring over `ring` (device ranks): `steps` phases, in each every member sends `bytes_per_step` to its
/// successor. Appended to `schedule`; several rings may be merged into the same phases by passing
/// `first_phase` (phases are created as needed).
void append_ring_steps(network::Schedule& schedule, std::size_t first_phase, const std::vector<int>& ring,
                       int steps, double bytes_per_step);

network::Schedule build_all_to_all(const CollectiveRequest& request, Algorithm a,
                                   const topologies::Topology& topology, const LibraryParams& params);
network::Schedule build_all_reduce(const CollectiveRequest& request, Algorithm a,
                                   const topologies::Topology& topology, const LibraryParams& params);

}  // namespace moesim::collectives
