// moesim — the operation graph of one training step: compute kernels and collectives on per-device streams.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace moesim::sim {

/// What an operation does; used for the step-time breakdown, energy states and traces.
enum class OpCategory : std::uint8_t {
  kEmbedding,
  kAttention,
  kDenseFfn,
  kGating,     ///< router GEMM + softmax/top-k/capacity (Switch/GShard gating)
  kPermute,    ///< dispatch/combine token permutation
  kExpertFfn,  ///< grouped expert GEMMs
  kOptimizer,
  kA2aDispatch,
  kA2aCombine,
  kTpAllReduce,      ///< Megatron tensor-parallel all-reduce
  kDpAllReduce,      ///< data-parallel gradient all-reduce of dense parameters
  kExpertAllReduce,  ///< gradient all-reduce of expert parameters among their replicas
  kPipelineP2p,      ///< activation / gradient send between pipeline stages
  kCount
};

std::string_view category_name(OpCategory category);
bool is_communication(OpCategory category);
bool is_all_to_all(OpCategory category);

/// Each simulated device issues work on two in-order streams, as a GPU does with one compute and one
/// communication CUDA stream (Megatron/DeepSpeed overlap gradient all-reduce with backward compute this way).
/// kAsync ops (pipeline sends/receives, posted non-blocking as NCCL/MPI isend/irecv) follow no stream order:
/// only their explicit dependencies and their collective's partner.
enum class Stream : std::uint8_t { kCompute = 0, kComm = 1, kAsync = 2 };

/// One operation on one simulated device. Compute ops carry their duration; collective ops point at the
/// Collective they take part in and get its duration once the network backend has priced it.
struct Op {
  std::int32_t device = 0;  ///< simulated device (see StepGraph::device_count)
  Stream stream = Stream::kCompute;
  OpCategory category = OpCategory::kAttention;
  bool backward = false;
  bool memory_bound = false;  ///< compute op limited by HBM bandwidth (energy state)
  std::int16_t micro_batch = 0;
  std::int32_t layer = -1;       ///< transformer layer, -1 for none
  std::int32_t collective = -1;  ///< index into StepGraph::collectives(), -1 for compute
  double duration_s = 0;         ///< compute time, or filled from the collective
  double flops = 0;              ///< FLOPs this op executes on its device (compute ops)
};

/// A collective operation: every participant op must be ready before it starts; it then takes
/// `duration_s` (priced by the network backend) and all participants finish together.
struct Collective {
  OpCategory category = OpCategory::kA2aDispatch;
  std::int32_t demand = -1;       ///< index of the network demand that prices it (StepPlan)
  std::vector<std::int32_t> ops;  ///< participant op ids, one per simulated device
  double duration_s = 0;
};

/// The step's DAG: ops, explicit dependencies (CSR), and collectives. Program order on each device stream is
/// an implicit dependency (streams are FIFO), so only cross-stream and cross-device edges are stored.
class StepGraph {
 public:
  explicit StepGraph(int device_count) : device_count_(device_count) {}

  int device_count() const { return device_count_; }

  /// Appends an op depending on `deps` (op ids already added). Returns its id.
  std::int32_t add(const Op& op, std::initializer_list<std::int32_t> deps = {});
  std::int32_t add(const Op& op, const std::vector<std::int32_t>& deps);
  /// Adds a dependency edge `from` -> `to` after both exist (to > from is not required).
  void add_dependency(std::int32_t from, std::int32_t to);

  /// Creates a collective among `participants` (op ids created with collective == -1 are linked here).
  std::int32_t add_collective(OpCategory category, std::int32_t demand,
                              const std::vector<std::int32_t>& participants);

  const std::vector<Op>& ops() const { return ops_; }
  std::vector<Op>& mutable_ops() { return ops_; }
  const std::vector<Collective>& collectives() const { return collectives_; }
  std::vector<Collective>& mutable_collectives() { return collectives_; }
  /// Dependencies of each op (excluding stream order).
  const std::vector<std::vector<std::int32_t>>& deps() const { return deps_; }

 private:
  int device_count_;
  std::vector<Op> ops_;
  std::vector<std::vector<std::int32_t>> deps_;
  std::vector<Collective> collectives_;
};

}  // namespace moesim::sim
