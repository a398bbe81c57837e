// moesim — the step builder's parts (internal to sim/step): one class whose methods live in
// step_builder.cpp (set-up, demands, ops and collectives), step_layers.cpp (a layer's forward, recompute
// and backward ops), param_sync.cpp (gradient buckets, ZeRO weight gathers) and pipeline_schedule.cpp
// (1F1B and interleaved orders, embedding and logits, pipeline p2p).
#pragma once

#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "sim/step/layer_costs.h"
#include "sim/step/layer_plan.h"
#include "sim/step/step_builder.h"

namespace moesim::sim::detail {

/// The accounting entry of `kind` in `stack` (or of a stack-less kind), or nullptr.
const workloads::LayerCost* find_cost(const workloads::ModelAccounting& acc, workloads::LayerKind kind,
                                      workloads::Stack stack);

/// HBM traffic of the optimizer update per parameter: Adam reads and writes weights, gradients, master
/// weights and both moments (~32 bytes with 16-bit training); Adafactor with beta1 = 0 about half of that.
double update_bytes_per_param(workloads::Optimizer o);

/// Builds the op graph of one step on the simulated devices of every pipeline stage (see build_step).
class Builder {
 public:
  Builder(const workloads::RunSpec& run, const workloads::ModelAccounting& acc, const ComputeModel& compute,
          std::vector<ExpertLoad> loads);

  BuiltStep build();

 private:
  enum class Pass { kForward, kRecompute, kBackward };
  struct Unit {
    int chunk, micro_batch;
    bool backward;
  };

  int sim(int stage, int i) const { return stage * sim_per_stage_ + i; }

  std::int32_t demand(NetworkDemand::Kind kind, int draw, int stage, double bytes, bool transpose = false);

  // A compute op costing `cost` (its time is tallied for the compute-source report). The ops of a
  // recomputed forward execute no model FLOPs (recomputation is not useful work).
  Op compute_op(int device, OpCategory c, const BlockCost& cost, bool backward, int layer, int mb);

  Op compute_op(int device, OpCategory c, double seconds, double flops, bool backward, int layer, int mb,
                bool memory_bound = false) const;

  // The stream a collective is issued on: its communicator's, or the compute stream when the scenario
  // turns off the overlap of gradient reductions with backward (then each one blocks compute).
  Stream stream_for(OpCategory c) const;

  // Adds a collective among the simulated devices `devs` of one stage; each participant's comm op depends on
  // `after[i]` (with `with_producer`, on what `after[i]` depends on: the collective is pipelined with the
  // op that produces its data, and whoever waits for the collective also waits for that op through the
  // compute stream); returns the participant op ids.
  std::vector<std::int32_t> collective(const std::vector<int>& devs, const std::vector<std::int32_t>& after,
                                       OpCategory c, std::int32_t demand_id, bool backward, int layer, int mb,
                                       bool with_producer = false);

  // Parameters held per device before ZeRO sharding. Experts are split over the expert group and, like the
  // dense layers, over the tensor ranks (Megatron-Core's expert tensor parallelism = TP).
  double dense_params_per_device() const;

  double expert_params_per_device() const;

  // What the optimizer step reads and writes: the parameters this device updates (ZeRO >= 1 updates only
  // its shard).
  double params_per_device() const;

  void memory();

  // The ops of one layer's forward or backward for every simulated device of `stage`. `prev` holds each
  // device's last compute op (updated). With full recomputation the backward first runs the layer's whole
  // forward again, router, permutations, all-to-alls and tensor-parallel collectives included, as
  // Megatron-LM's `--recompute-granularity full` does.
  void layer_ops(int stage, int global_layer, const LayerPlan& lp, int mb, bool backward, bool last_mb,
                 std::vector<std::int32_t>& prev);

  void layer_pass(int global_layer, const LayerPlan& lp, int mb, Pass pass, const std::vector<int>& devs,
                  std::vector<std::int32_t>& prev, int stage);

  void moe_block(int stage, int layer, int mb, bool backward, const std::vector<int>& devs,
                 std::vector<std::int32_t>& prev);
  /// The routed experts of an MoE block on each simulated device, after the dispatch all-to-all (and the
  /// shared experts' ops in `shared`), with the expert-tensor collectives around them.
  void routed_experts(int stage, int layer, int mb, bool backward, const ExpertLoad& load,
                      const std::vector<int>& devs, const std::vector<std::int32_t>& shared,
                      std::vector<std::int32_t>& prev);

  // Parameters of one layer on one device: dense (attention, dense FFN or router) split over the tensor
  // ranks, and the layer's experts held by this device.
  std::pair<double, double> layer_params(const LayerPlan& lp) const;

  // Embedding and untied logits parameters per device, held with the first and the last layer.
  double edge_params(int first_layer, int end_layer) const;

  // Gradients become ready layer by layer in backward and are reduced in buckets (DDP): each bucket is
  // reduced on the data-parallel (or expert-data-parallel) stream once its last gradient is computed, the
  // last one of the stage whatever its size. ZeRO >= 1 reduce-scatters instead of all-reducing (the
  // distributed optimizer updates only its shard). Gradients are sent in the training precision (the
  // DeepSpeed default).
  void gradient_ready(int stage, int layer, double dense_params, double expert_params, bool flush,
                      const std::vector<int>& devs, const std::vector<std::int32_t>& prev);

  // Whether layer weights are gathered before this pass: every pass with ZeRO-3 (FSDP frees them after
  // use), the first forward with ZeRO-1/2 when the post-optimizer all-gather overlaps the next forward.
  bool gathers_before(int mb, bool backward) const;

  // All-gathers of a layer's sharded weights on the weight stream, issued when the layer before the
  // previous one started (FSDP's prefetch of one layer, its rate limiter keeping two gathered), and a
  // zero-time join so that the layer's compute waits for them.
  void gather_weights(int stage, int layer, const LayerPlan& lp, int mb, bool backward,
                      const std::vector<int>& devs, std::vector<std::int32_t>& prev);

  // ZeRO-1/2 without overlap: the updated weight shards are all-gathered after the optimizer step, exposed.
  void gather_after_optimizer(int stage, const std::vector<int>& devs, const std::vector<std::int32_t>& opt);

  // One pipeline stage in 1F1B order (Narayanan et al. 2021, PipeDream-Flush): warm-up forwards, steady
  // one-forward-one-backward, cool-down backwards.
  void build_stage(int stage);

  // The order in which pipeline device `stage` runs its forward and backward units. v = 1: 1F1B
  // (Narayanan et al. 2021 §2.2.1, PipeDream-Flush): p - s - 1 warm-up forwards, then one forward and one
  // backward, then the remaining backwards. v > 1: Megatron-LM's interleaved schedule
  // (forward_backward_pipelining_with_interleaving): (p - s - 1)·2 + (v - 1)·p warm-up units, unit k of
  // either direction on micro-batch (k / (p v))·p + k mod p, forward chunk (k / p) mod v, backward chunk
  // v - 1 - (k / p) mod v.
  std::vector<Unit> pipeline_order(int stage) const;
  /// Forwards before the first backward of the interleaved order on `stage` (Megatron-Core's warm-up).
  int interleaved_warmup(int stage) const;
  /// Whether two consecutive units of a stage's order run as one merged forward-backward step whose
  /// all-to-alls hide behind each other's compute (simulation.overlap.ep_comm).
  bool merged(int stage, const Unit& a, const Unit& b) const;
  /// Interleaves, on every stream, the ops of two independent units added as [first, second) and
  /// [second, end): each unit's ops are cut where a compute op waits for an all-to-all, and the pieces
  /// alternate, so one unit's all-to-all runs under the other's compute.
  void interleave_units(std::size_t first, std::size_t second, std::size_t end);
  /// After a merged pair: each device's chain goes on from a join of both units' last ops.
  void join_units(int stage, const std::vector<std::int32_t>& first_end, const Unit& second,
                  std::vector<std::int32_t>& prev);

  void logits(int mb, bool backward, std::vector<std::int32_t>& prev, int stage);

  // Token embedding lookup on the first stage (forward before the first layer, backward after the last).
  void embedding(int mb, bool backward, std::vector<std::int32_t>& prev, int stage);

  // Pipeline p2p between virtual stages vs and vs + 1 (devices vs mod p and (vs + 1) mod p): the sender's
  // and the receiver's ops form a 2-party collective, linked after all stages exist (the receiver's op may
  // be created before the sender's).
  void send_p2p(int vs, int mb, bool backward, std::vector<std::int32_t>& prev);

  void recv_p2p(int vs, int mb, bool backward, std::vector<std::int32_t>& prev);

  void link_p2p();

  const workloads::RunSpec& run_;
  const workloads::ModelAccounting& acc_;
  const ComputeModel& compute_;
  const workloads::ModelSpec& m_;
  BuiltStep out_;
  int stages_ = 1, virtual_ = 1, micro_ = 1, tp_ = 1, sim_per_stage_ = 1, chunk_first_layer_ = 0,
      chunk_end_layer_ = 0;
  std::vector<int> boundaries_;  // first layer of each virtual stage, then the layer count
  double dtype_ = 2;
  std::vector<LayerPlan> layers_;
  std::optional<LayerCosts> costs_;
  bool recomputing_ = false;  // the ops being added re-run a forward for full recomputation
  std::map<int, int> moe_counter_;
  std::map<std::tuple<int, int, int, double, bool>, std::int32_t> demand_ids_;
  std::map<std::tuple<int, int, bool, int>, std::pair<std::int32_t, std::int32_t>> p2p_;
  std::vector<std::int32_t> grad_ops_;
  double dense_bucket_ = 0, expert_bucket_ = 0;  // gradient bytes waiting for their bucket's reduction
  std::vector<std::int32_t> layer_entry_;        // per device: its last op when the current layer began
  std::vector<std::int32_t> prefetch_after_;     // per device: what the next weight all-gather waits for
};

}  // namespace moesim::sim::detail
