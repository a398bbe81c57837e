// moesim — collectives as the transfer sequences a real library issues, and the library's choice among them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/collectives/library_model.h"
#include "sim/collectives/traffic_matrix.h"
#include "sim/network/link_model.h"
#include "sim/network/traffic.h"
#include "topologies/topology.h"

namespace moesim::collectives {

enum class CollectiveOp { kAllToAll, kAllReduce, kReduceScatter, kAllGather };

/// How the collective moves its bytes (collectives.md in the README lists where each one applies).
enum class Algorithm {
  kAuto,            ///< the library's choice: the fastest predicted candidate (see CollectiveModel::plan)
  kDirect,          ///< all-to-all: NCCL grouped send/recv, every peer at once (PXN on rail-optimised nodes)
  kPairwise,        ///< all-to-all: n-1 synchronised rounds, in round k rank i sends to rank i+k
  kHierarchical,    ///< all-to-all: Tutel 2DH: intra-node aggregation, then same-rail inter-node exchange
  kRing,            ///< NCCL ring: one ring per channel, one channel per NIC across nodes
  kTree,            ///< NCCL tree: chains inside nodes, double binary tree across nodes (all-reduce)
  kHierarchical2D,  ///< all-reduce: ring reduce-scatter in node, ring all-reduce per rail, all-gather
  kNvls,            ///< NVLink SHARP inside one NVSwitch node (NCCL NVLS)
  kNvlsTree,        ///< NVLS inside nodes, tree across nodes (NCCL NVLS Tree, all-reduce)
  kSharp,           ///< in-network reduction across nodes (NCCL CollNet with SHARP; NVLS inside on Hopper)
  kPat,             ///< NCCL PAT: log-latency reduce-scatter / all-gather, one GPU per node
  kTorus,           ///< TPU ICI: concurrent bidirectional rings along every torus dimension
};

std::string_view op_name(CollectiveOp op);
std::string_view algorithm_name(Algorithm a);
/// Parse "all-to-all" etc. / "direct" etc.; throw std::invalid_argument naming the accepted values.
CollectiveOp parse_op(std::string_view name);
Algorithm parse_algorithm(std::string_view name);
/// "ll" | "ll128" | "simple"; throws std::invalid_argument otherwise.
Protocol parse_protocol(std::string_view name);

/// One collective over a group of devices.
///
/// `bytes` follows the nccl-tests convention (PERFORMANCE.md of NVIDIA/nccl-tests): all-reduce — the
/// buffer on every rank; reduce-scatter — the input per rank (each rank keeps bytes/n); all-gather — the
/// output per rank (each rank contributes bytes/n); all-to-all — the send buffer per rank. For an uneven
/// all-to-all give `matrix` (group-rank indices); `bytes` is then only used for reports.
struct CollectiveRequest {
  CollectiveOp op = CollectiveOp::kAllReduce;
  Algorithm algorithm = Algorithm::kAuto;
  std::vector<int> group;  ///< device ranks of the Topology, in collective-rank order
  double bytes = 0;
  const ByteMatrix* matrix = nullptr;  ///< all-to-all only; n × n with n = group.size()
  std::optional<Protocol> protocol;    ///< NCCL protocol; default: the fastest the library enables
};

/// A priced way to run one collective: the schedule (one representative step per repeated phase) and
/// its analytic time alone on the network.
struct CollectivePlan {
  Algorithm algorithm = Algorithm::kRing;
  Protocol protocol = Protocol::kSimple;
  network::Schedule schedule;
  double time_s = 0;
  /// "ring/simple", "nvls-tree/simple", "direct" (all-to-all and ICI collectives have one protocol).
  std::string label() const;
};

/// The collective models of one cluster: its achievable link bandwidths and its library's constants,
/// derived once. `plan` is the library's tuner, shared by `moesim collective` and `moesim simulate`: it
/// builds every candidate the library would consider for this op, size and group (NCCL: ring and tree
/// with LL/LL128/Simple, NVLS and NVLS Tree where the nodes have NVLink SHARP, CollNet with SHARP where
/// enabled, PAT for one GPU per node; ICI: torus rings and a flat ring; all-to-all: direct, pairwise,
/// hierarchical), prices each alone with the analytic link model, and keeps the fastest — what NCCL's
/// topoGetAlgoInfo does with its own time model (src/enqueue.cc).
class CollectiveModel {
 public:
  explicit CollectiveModel(const topologies::Topology& topology);
  CollectiveModel(const topologies::Topology& topology, network::LinkModel links, LibraryModel library);

  /// The fastest candidate (or the fastest protocol of request.algorithm). Throws std::invalid_argument for
  /// an empty group, a device outside the topology, negative bytes, a bad matrix, or an algorithm that
  /// does not apply to this op or group.
  CollectivePlan plan(const CollectiveRequest& request) const;
  /// Every applicable candidate, priced, fastest first.
  std::vector<CollectivePlan> candidates(const CollectiveRequest& request) const;
  /// The schedule of one algorithm and protocol (no choice).
  network::Schedule schedule(const CollectiveRequest& request, Algorithm algorithm, Protocol protocol) const;

  const topologies::Topology& topology() const { return topology_; }
  const network::LinkModel& links() const { return links_; }
  const LibraryModel& library() const { return library_; }

 private:
  std::vector<CollectivePlan> price(const CollectiveRequest& request, bool all_schedules) const;

  const topologies::Topology& topology_;
  network::LinkModel links_;
  LibraryModel library_;
};

/// Shortcut: CollectiveModel(topology).plan(request).schedule.
network::Schedule build_schedule(const CollectiveRequest& request, const topologies::Topology& topology);

/// nccl-tests bus bandwidth factor: busbw = algbw × factor, algbw = bytes / time. all-reduce 2(n-1)/n,
/// reduce-scatter and all-gather (n-1)/n, all-to-all (n-1)/n.
double bus_bandwidth_factor(CollectiveOp op, int n);

}  // namespace moesim::collectives
