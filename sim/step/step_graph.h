// moesim — the operation graph of one training step: compute kernels and collectives on per-device streams.
#pragma once

#include <cstddef>
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
  kTpAllReduce,  ///< Megatron tensor-parallel all-reduce
  kTpGather,     ///< around the experts: the expert-tensor group's all-gather of received tokens and
              ///< reduce-scatter of their outputs; the MoE output's all-gather without sequence parallelism
  kDpAllReduce,      ///< data-parallel gradient all-reduce (or reduce-scatter, ZeRO >= 1) of dense parameters
  kExpertAllReduce,  ///< gradient all-reduce (or reduce-scatter, ZeRO >= 1) of expert parameters
  kPipelineP2p,      ///< activation / gradient send between pipeline stages
  kParamAllGather,   ///< ZeRO / FSDP: gathering sharded weights (per layer, or after the optimizer step)
  kSync,             ///< zero-time join of a stream with another's work (no cost, not reported)
  kCount
};

std::string_view category_name(OpCategory category);
bool is_communication(OpCategory category);
bool is_all_to_all(OpCategory category);

/// The in-order streams of a simulated device: one for compute and one per communicator, all concurrent,
/// as frameworks run them (Megatron-LM and DeepSpeed issue each process group's NCCL calls on its own CUDA
/// stream so that, e.g., the data-parallel gradient all-reduce overlaps backward compute and the expert
/// all-to-alls). A collective starts when every member has reached it on its communicator's stream.
/// kAsync ops (pipeline sends/receives, posted non-blocking as NCCL/MPI isend/irecv) follow no stream
/// order: only their explicit dependencies and their collective's partner.
enum class Stream : std::uint8_t {
  kCompute = 0,
  kTp,        ///< tensor-parallel group
  kEp,        ///< expert-parallel group (dispatch/combine all-to-alls)
  kDp,        ///< data-parallel group (dense gradients)
  kExpertDp,  ///< replicas of the same experts (expert gradients)
  kFsdp,      ///< weight all-gathers of sharded parameters (PyTorch FSDP's all-gather stream)
  kAsync,     ///< pipeline p2p, no stream order
  kCount
};
inline constexpr std::size_t kStreamCount = static_cast<std::size_t>(Stream::kCount);

std::string_view stream_name(Stream stream);
/// The stream of the communicator that runs collectives of `category` (kCompute for compute categories).
Stream communicator_stream(OpCategory category);

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

/// A shared resource (a class of links) that a collective keeps busy for `busy_s` seconds when it runs
/// alone. Resource ids are dense numbers chosen by whoever fills them in (see collective_costs.h).
struct ResourceUse {
  std::int32_t resource = 0;
  double busy_s = 0;
};

/// A collective operation: every participant op must be ready before it starts; alone on the network it
/// takes `duration_s` (priced by the network backend), of which `latency_s` is fixed cost and the rest moves
/// bytes over the resources in `uses`; collectives that run at the same time share those resources (see
/// step_scheduler.h). All participants finish together.
struct Collective {
  OpCategory category = OpCategory::kA2aDispatch;
  std::int32_t demand = -1;       ///< index of the network demand that prices it (StepPlan)
  std::vector<std::int32_t> ops;  ///< participant op ids, one per simulated device
  double duration_s = 0;
  double latency_s = 0;
  std::vector<ResourceUse> uses;  ///< empty: never slowed by other collectives
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

  /// Moves an op within its stream's order: ops run on a stream in increasing key, then id; an op's key is
  /// its id unless set here. Lets a builder interleave two independent chains it added one after the other.
  void set_stream_key(std::int32_t op, double key);
  /// Each op's predecessor on its device stream (-1: first on its stream, or a kAsync op).
  std::vector<std::int32_t> stream_predecessors() const;

 private:
  int device_count_;
  std::vector<Op> ops_;
  std::vector<std::vector<std::int32_t>> deps_;
  std::vector<Collective> collectives_;
  std::vector<double> stream_key_;  ///< empty: every key is the op's id
};

}  // namespace moesim::sim
