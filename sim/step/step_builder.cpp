#include "sim/step/step_builder.h"

#include "sim/step/layer_plan.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include "sim/step/layer_costs.h"

namespace moesim::sim {
namespace {

using workloads::LayerKind;
using workloads::Stack;

const workloads::LayerCost* find_cost(const workloads::ModelAccounting& acc, LayerKind kind, Stack stack) {
  for (const auto& l : acc.layers) {
    if (l.kind == kind && (l.stack == stack || l.stack == Stack::kNone || stack == Stack::kNone)) return &l;
  }
  return nullptr;
}

// HBM traffic of the optimizer update per parameter: Adam reads and writes weights, gradients, master
// weights and both moments (~32 bytes with 16-bit training); Adafactor with beta1 = 0 about half of that.
double update_bytes_per_param(workloads::Optimizer o) {
  return o == workloads::Optimizer::kAdam ? 32.0 : 16.0;
}

class Builder {
 public:
  Builder(const workloads::RunSpec& run, const workloads::ModelAccounting& acc, const ComputeModel& compute,
          std::vector<ExpertLoad> loads)
      : run_(run), acc_(acc), compute_(compute), m_(run.model) {
    out_.loads = std::move(loads);
    const auto& p = run.parallelism;
    out_.layout = {static_cast<int>(p.data), static_cast<int>(p.tensor), static_cast<int>(p.pipeline),
                   static_cast<int>(p.expert)};
    stages_ = out_.layout.pipeline;
    micro_ = static_cast<int>(p.micro_batches);
    tp_ = out_.layout.tensor;
    const int ep = out_.layout.expert;
    sim_per_stage_ = m_.is_moe() ? static_cast<int>(std::min<std::int64_t>(ep, m_.experts)) : 1;
    out_.experts_simulated = sim_per_stage_;
    out_.graph = StepGraph(stages_ * sim_per_stage_);
    const double devices = static_cast<double>(p.devices());
    out_.real_devices_per_simulated = devices / (stages_ * sim_per_stage_);
    out_.tokens_per_microbatch =
        static_cast<double>(run.training.global_batch_tokens) / static_cast<double>(p.data) / micro_;
    dtype_ = workloads::bytes_per_element(run.training.precision);
    layers_ = layer_plan(m_);
    virtual_ = static_cast<int>(p.virtual_stages);
    boundaries_ = pipeline_boundaries(run, acc);
    costs_.emplace(run, acc, compute, out_.tokens_per_microbatch, tp_);
  }

  BuiltStep build() {
    for (int s = 0; s < stages_; ++s) build_stage(s);
    link_p2p();
    memory();
    return std::move(out_);
  }

 private:
  int sim(int stage, int i) const { return stage * sim_per_stage_ + i; }

  std::int32_t demand(NetworkDemand::Kind kind, int draw, int stage, double bytes, bool transpose = false) {
    const auto key = std::make_tuple(static_cast<int>(kind), draw, stage, bytes, transpose);
    auto it = demand_ids_.find(key);
    if (it != demand_ids_.end()) return it->second;
    const auto id = static_cast<std::int32_t>(out_.demands.size());
    out_.demands.push_back({kind, draw, stage, bytes, transpose});
    demand_ids_.emplace(key, id);
    return id;
  }

  // A compute op costing `cost` (its time is tallied for the compute-source report). The ops of a
  // recomputed forward execute no model FLOPs (recomputation is not useful work).
  Op compute_op(int device, OpCategory c, const BlockCost& cost, bool backward, int layer, int mb) {
    out_.compute_time += cost.time;
    return compute_op(device, c, cost.time.time_s, recomputing_ ? 0.0 : cost.flops, backward, layer, mb,
                      cost.time.memory_bound_s > 0.5 * cost.time.time_s);
  }
  Op compute_op(int device, OpCategory c, double seconds, double flops, bool backward, int layer, int mb,
                bool memory_bound = false) const {
    Op op;
    op.device = device;
    op.category = c;
    op.duration_s = seconds;
    op.flops = flops;
    op.backward = backward;
    op.layer = layer;
    op.micro_batch = static_cast<std::int16_t>(mb);
    op.memory_bound = memory_bound;
    return op;
  }

  // The stream a collective is issued on: its communicator's, or the compute stream when the scenario
  // turns off the overlap of gradient reductions with backward (then each one blocks compute).
  Stream stream_for(OpCategory c) const {
    const bool grad = c == OpCategory::kDpAllReduce || c == OpCategory::kExpertAllReduce;
    return grad && !run_.simulation.overlap.grad_reduce ? Stream::kCompute : communicator_stream(c);
  }

  // Adds a collective among the simulated devices `devs` of one stage; each participant's comm op depends on
  // `after[i]` (with `with_producer`, on what `after[i]` depends on: the collective is pipelined with the
  // op that produces its data, and whoever waits for the collective also waits for that op through the
  // compute stream); returns the participant op ids.
  std::vector<std::int32_t> collective(const std::vector<int>& devs, const std::vector<std::int32_t>& after,
                                       OpCategory c, std::int32_t demand_id, bool backward, int layer, int mb,
                                       bool with_producer = false) {
    std::vector<std::int32_t> ids;
    for (std::size_t i = 0; i < devs.size(); ++i) {
      Op op;
      op.device = devs[i];
      op.stream = stream_for(c);
      op.backward = backward;
      op.layer = layer;
      op.micro_batch = static_cast<std::int16_t>(mb);
      std::vector<std::int32_t> deps;
      if (after[i] >= 0) deps = {after[i]};
      if (with_producer && after[i] >= 0) deps = out_.graph.deps()[static_cast<std::size_t>(after[i])];
      ids.push_back(out_.graph.add(op, deps));
    }
    out_.graph.add_collective(c, demand_id, ids);
    return ids;
  }

  // The ops of one layer's forward or backward for every simulated device of `stage`. `prev` holds each
  // device's last compute op (updated). With full recomputation the backward first runs the layer's whole
  // forward again, router, permutations, all-to-alls and tensor-parallel collectives included, as
  // Megatron-LM's `--recompute-granularity full` does.
  void layer_ops(int stage, int global_layer, const LayerPlan& lp, int mb, bool backward, bool last_mb,
                 std::vector<std::int32_t>& prev) {
    std::vector<int> devs(static_cast<std::size_t>(sim_per_stage_));
    for (int i = 0; i < sim_per_stage_; ++i) devs[static_cast<std::size_t>(i)] = sim(stage, i);
    if (gathers_before(mb, backward)) gather_weights(stage, global_layer, lp, mb, backward, devs, prev);
    if (backward && run_.training.recompute == workloads::Recompute::kFull)
      layer_pass(global_layer, lp, mb, Pass::kRecompute, devs, prev, stage);
    layer_pass(global_layer, lp, mb, backward ? Pass::kBackward : Pass::kForward, devs, prev, stage);
    if (backward && last_mb) {
      const auto [dense, experts] = layer_params(lp);
      const bool chunk_done =
          global_layer == chunk_first_layer_;  // the chunk's backward ends at its first layer
      const double edge = chunk_done ? edge_params(chunk_first_layer_, chunk_end_layer_) : 0.0;
      gradient_ready(stage, global_layer, dense + edge, experts, chunk_done, devs, prev);
    }
  }

  enum class Pass { kForward, kRecompute, kBackward };

  void layer_pass(int global_layer, const LayerPlan& lp, int mb, Pass pass, const std::vector<int>& devs,
                  std::vector<std::int32_t>& prev, int stage) {
    const bool backward = pass == Pass::kBackward;
    recomputing_ = pass == Pass::kRecompute;
    auto chain = [&](int i, const Op& op) {
      auto& p = prev[static_cast<std::size_t>(i)];
      p = p >= 0 ? out_.graph.add(op, {p}) : out_.graph.add(op);
      return p;
    };
    auto tp_allreduce = [&]() {
      if (tp_ <= 1) return;
      const double bytes = out_.tokens_per_microbatch * m_.d_model * dtype_;
      const auto d = demand(NetworkDemand::Kind::kTpAllReduce, -1, stage, bytes);
      auto ids = collective(devs, prev, OpCategory::kTpAllReduce, d, backward, global_layer, mb,
                            run_.simulation.overlap.tp_comm);
      prev = ids;
    };
    auto attention_block = [&](LayerKind kind) {
      const BlockCost cost = costs_->attention(kind, lp.stack, backward);
      for (int i = 0; i < sim_per_stage_; ++i) {
        chain(i, compute_op(devs[static_cast<std::size_t>(i)], OpCategory::kAttention, cost, backward,
                            global_layer, mb));
      }
      tp_allreduce();
    };
    auto ffn_block = [&]() {
      if (!lp.moe) {
        const BlockCost cost = costs_->dense_ffn(lp.stack, backward);
        for (int i = 0; i < sim_per_stage_; ++i) {
          chain(i, compute_op(devs[static_cast<std::size_t>(i)], OpCategory::kDenseFfn, cost, backward,
                              global_layer, mb));
        }
        tp_allreduce();
        return;
      }
      moe_block(stage, global_layer, mb, backward, devs, prev);
    };
    // Backward runs the blocks in reverse order; the step time is insensitive to the order within a layer
    // except for where the collectives fall, which reversing preserves.
    if (!backward) {
      attention_block(LayerKind::kAttention);
      if (lp.stack == Stack::kDecoder && m_.encoder_decoder) attention_block(LayerKind::kCrossAttention);
      ffn_block();
    } else {
      ffn_block();
      if (lp.stack == Stack::kDecoder && m_.encoder_decoder) attention_block(LayerKind::kCrossAttention);
      attention_block(LayerKind::kAttention);
    }
  }

  void moe_block(int stage, int layer, int mb, bool backward, const std::vector<int>& devs,
                 std::vector<std::int32_t>& prev) {
    const int moe_index = moe_counter_[layer];
    const auto& load = out_.loads[static_cast<std::size_t>(moe_index) % out_.loads.size()];
    const int draw = static_cast<int>(static_cast<std::size_t>(moe_index) % out_.loads.size());
    const double tokens = out_.tokens_per_microbatch / tp_;  // each tensor rank routes its sequence shard
    const int ep = out_.layout.expert;
    const int local_experts = static_cast<int>(std::max<std::int64_t>(1, m_.experts / ep));
    // Forward: the dispatch sends the routed tokens (byte matrix M), the combine sends them back (M^T).
    // Backward: the combine's gradient goes from the tokens' owners to the experts (M again), the
    // dispatch's gradient comes back (M^T).
    const auto a2a_out = demand(NetworkDemand::Kind::kAllToAll, draw, stage, 0, false);
    const auto a2a_back = demand(NetworkDemand::Kind::kAllToAll, draw, stage, 0, true);
    auto chain = [&](int i, const Op& op) {
      auto& p = prev[static_cast<std::size_t>(i)];
      p = p >= 0 ? out_.graph.add(op, {p}) : out_.graph.add(op);
    };
    // Pre-norm, router GEMM, gating and the dispatch permutation, before the dispatch all-to-all.
    const BlockCost gate = costs_->moe_gate(tokens, backward);
    const BlockCost disp = costs_->moe_dispatch(tokens, local_experts, backward);
    for (int i = 0; i < sim_per_stage_; ++i) {
      chain(i, compute_op(devs[static_cast<std::size_t>(i)], OpCategory::kGating, gate, backward, layer, mb));
      chain(i,
            compute_op(devs[static_cast<std::size_t>(i)], OpCategory::kPermute, disp, backward, layer, mb));
    }
    prev = collective(devs, prev, backward ? OpCategory::kA2aCombine : OpCategory::kA2aDispatch, a2a_out,
                      backward, layer, mb);
    // Expert FFN on the tokens this device received (the slowest expert sets the pace at the next
    // all-to-all).
    for (int i = 0; i < sim_per_stage_; ++i) {
      const int member = m_.experts >= ep ? i : i * (ep / static_cast<int>(m_.experts));
      const double copies = received_copies(run_, load, member);
      const BlockCost experts = costs_->moe_experts(copies, local_experts, backward);
      chain(i, compute_op(devs[static_cast<std::size_t>(i)], OpCategory::kExpertFfn, experts, backward, layer,
                          mb));
    }
    prev = collective(devs, prev, backward ? OpCategory::kA2aDispatch : OpCategory::kA2aCombine, a2a_back,
                      backward, layer, mb);
    const BlockCost comb = costs_->moe_combine(tokens, local_experts, backward);
    for (int i = 0; i < sim_per_stage_; ++i) {
      chain(i,
            compute_op(devs[static_cast<std::size_t>(i)], OpCategory::kPermute, comb, backward, layer, mb));
    }
    // Experts are tensor-parallel too: their partial outputs are reduced over the tensor group like a dense
    // FFN's (an all-gather + reduce-scatter pair moves the bytes of one all-reduce).
    if (tp_ > 1) {
      const auto d = demand(NetworkDemand::Kind::kTpAllReduce, -1, stage,
                            out_.tokens_per_microbatch * m_.d_model * dtype_);
      prev = collective(devs, prev, OpCategory::kTpAllReduce, d, backward, layer, mb,
                        run_.simulation.overlap.tp_comm);
    }
  }

  // Parameters of one layer on one device: dense (attention, dense FFN or router) split over the tensor
  // ranks, and the layer's experts held by this device.
  std::pair<double, double> layer_params(const LayerPlan& lp) const {
    double dense = 0;
    for (auto kind : {LayerKind::kAttention, LayerKind::kCrossAttention}) {
      if (kind == LayerKind::kCrossAttention && !(lp.stack == Stack::kDecoder && m_.encoder_decoder))
        continue;
      if (const auto* c = find_cost(acc_, kind, lp.stack)) dense += static_cast<double>(c->params);
    }
    const auto* ffn = find_cost(acc_, lp.moe ? LayerKind::kRouter : LayerKind::kDenseFfn, lp.stack);
    if (ffn) dense += static_cast<double>(ffn->params);
    double experts = 0;
    if (lp.moe)
      if (const auto* c = find_cost(acc_, LayerKind::kMoeFfn, lp.stack))
        experts = static_cast<double>(c->params) / out_.layout.expert;
    return {dense / tp_, experts};
  }

  // Embedding and untied logits parameters per device, held with the first and the last layer.
  double edge_params(int first_layer, int end_layer) const {
    double p = 0;
    for (const auto& l : acc_.layers) {
      if (l.kind == LayerKind::kEmbedding && first_layer == 0) p += static_cast<double>(l.params);
      if (l.kind == LayerKind::kLogits && end_layer == static_cast<int>(layers_.size()))
        p += static_cast<double>(l.params);
    }
    return p / tp_;
  }

  // Gradients become ready layer by layer in backward and are reduced in buckets (DDP): each bucket is
  // reduced on the data-parallel (or expert-data-parallel) stream once its last gradient is computed, the
  // last one of the stage whatever its size. ZeRO >= 1 reduce-scatters instead of all-reducing (the
  // distributed optimizer updates only its shard). Gradients are sent in the training precision (the
  // DeepSpeed default).
  void gradient_ready(int stage, int layer, double dense_params, double expert_params, bool flush,
                      const std::vector<int>& devs, const std::vector<std::int32_t>& prev) {
    dense_bucket_ += dense_params * dtype_;
    expert_bucket_ += expert_params * dtype_;
    const double cap = run_.simulation.grad_bucket_bytes;
    const bool zero = run_.parallelism.zero >= 1;
    if (out_.layout.data > 1 && dense_bucket_ > 0 && (flush || dense_bucket_ >= cap)) {
      const auto kind = zero ? NetworkDemand::Kind::kDpReduceScatter : NetworkDemand::Kind::kDpAllReduce;
      const auto ids = collective(devs, prev, OpCategory::kDpAllReduce,
                                  demand(kind, -1, stage, dense_bucket_), true, layer, micro_ - 1);
      grad_ops_.insert(grad_ops_.end(), ids.begin(), ids.end());
      dense_bucket_ = 0;
    }
    if (out_.layout.data / out_.layout.expert > 1 && expert_bucket_ > 0 && (flush || expert_bucket_ >= cap)) {
      const auto kind =
          zero ? NetworkDemand::Kind::kExpertReduceScatter : NetworkDemand::Kind::kExpertAllReduce;
      const auto ids = collective(devs, prev, OpCategory::kExpertAllReduce,
                                  demand(kind, -1, stage, expert_bucket_), true, layer, micro_ - 1);
      grad_ops_.insert(grad_ops_.end(), ids.begin(), ids.end());
      expert_bucket_ = 0;
    }
  }

  // Whether layer weights are gathered before this pass: every pass with ZeRO-3 (FSDP frees them after
  // use), the first forward with ZeRO-1/2 when the post-optimizer all-gather overlaps the next forward.
  bool gathers_before(int mb, bool backward) const {
    const int zero = run_.parallelism.zero;
    return zero >= 3 || (zero >= 1 && run_.simulation.overlap.param_gather && mb == 0 && !backward);
  }

  // All-gathers of a layer's sharded weights on the weight stream, issued when the layer before the
  // previous one started (FSDP's prefetch of one layer, its rate limiter keeping two gathered), and a
  // zero-time join so that the layer's compute waits for them.
  void gather_weights(int stage, int layer, const LayerPlan& lp, int mb, bool backward,
                      const std::vector<int>& devs, std::vector<std::int32_t>& prev) {
    const auto [dense, experts] = layer_params(lp);
    std::vector<std::vector<std::int32_t>> gathered;
    if (out_.layout.data > 1 && dense > 0)
      gathered.push_back(collective(devs, prefetch_after_, OpCategory::kParamAllGather,
                                    demand(NetworkDemand::Kind::kDpAllGather, -1, stage, dense * dtype_),
                                    backward, layer, mb));
    if (out_.layout.data / out_.layout.expert > 1 && experts > 0)
      gathered.push_back(collective(
          devs, prefetch_after_, OpCategory::kParamAllGather,
          demand(NetworkDemand::Kind::kExpertAllGather, -1, stage, experts * dtype_), backward, layer, mb));
    prefetch_after_ = layer_entry_;
    layer_entry_ = prev;
    if (gathered.empty()) return;
    for (std::size_t i = 0; i < devs.size(); ++i) {
      std::vector<std::int32_t> deps;
      if (prev[i] >= 0) deps.push_back(prev[i]);
      for (const auto& g : gathered) deps.push_back(g[i]);
      Op join = compute_op(devs[i], OpCategory::kSync, 0.0, 0.0, backward, layer, mb);
      prev[i] = out_.graph.add(join, deps);
    }
  }

  // ZeRO-1/2 without overlap: the updated weight shards are all-gathered after the optimizer step, exposed.
  void gather_after_optimizer(int stage, const std::vector<int>& devs, const std::vector<std::int32_t>& opt) {
    const int zero = run_.parallelism.zero;
    if (zero < 1 || zero >= 3 || run_.simulation.overlap.param_gather) return;
    const double dense = dense_params_per_device(), experts = expert_params_per_device();
    if (out_.layout.data > 1 && dense > 0)
      collective(devs, opt, OpCategory::kParamAllGather,
                 demand(NetworkDemand::Kind::kDpAllGather, -1, stage, dense * dtype_), true, -1, micro_ - 1);
    if (out_.layout.data / out_.layout.expert > 1 && experts > 0)
      collective(devs, opt, OpCategory::kParamAllGather,
                 demand(NetworkDemand::Kind::kExpertAllGather, -1, stage, experts * dtype_), true, -1,
                 micro_ - 1);
  }

  // One pipeline stage in 1F1B order (Narayanan et al. 2021, PipeDream-Flush): warm-up forwards, steady
  // one-forward-one-backward, cool-down backwards.
  void build_stage(int stage) {
    std::vector<std::int32_t> prev(static_cast<std::size_t>(sim_per_stage_), -1);
    grad_ops_.clear();
    dense_bucket_ = expert_bucket_ = 0;
    prefetch_after_.assign(prev.size(), -1);
    layer_entry_.assign(prev.size(), -1);
    // Number MoE layers in model order (routing draws are per MoE layer).
    int moe_seen = 0;
    for (int l = 0; l < static_cast<int>(layers_.size()); ++l) {
      if (layers_[static_cast<std::size_t>(l)].moe) moe_counter_[l] = moe_seen++;
    }
    const int last = stages_ * virtual_ - 1;  // the last virtual stage
    // One micro-batch through virtual stage `vs` (chunk vs / p of this device).
    auto pass = [&](int vs, int mb, bool backward) {
      const int first = boundaries_[static_cast<std::size_t>(vs)];
      const int count = boundaries_[static_cast<std::size_t>(vs) + 1] - first;
      if (vs > 0 && !backward) recv_p2p(vs, mb, false, prev);
      if (vs < last && backward) recv_p2p(vs, mb, true, prev);
      if (vs == 0 && !backward) embedding(mb, false, prev, stage);
      if (vs == last && backward) logits(mb, true, prev, stage);
      chunk_first_layer_ = first;
      chunk_end_layer_ = first + count;
      for (int j = 0; j < count; ++j) {
        const int l = backward ? first + count - 1 - j : first + j;
        layer_ops(stage, l, layers_[static_cast<std::size_t>(l)], mb, backward, mb == micro_ - 1, prev);
      }
      if (vs == last && !backward) logits(mb, false, prev, stage);
      if (vs == 0 && backward) embedding(mb, true, prev, stage);
      if (vs < last && !backward) send_p2p(vs, mb, false, prev);
      if (vs > 0 && backward) send_p2p(vs, mb, true, prev);
    };
    for (const auto& u : pipeline_order(stage)) pass(u.chunk * stages_ + stage, u.micro_batch, u.backward);
    // Optimizer step after every gradient all-reduce of this device.
    const double params = params_per_device();
    const BlockCost update = costs_->optimizer(params * update_bytes_per_param(run_.training.optimizer));
    std::vector<int> devs;
    std::vector<std::int32_t> opt;
    for (int i = 0; i < sim_per_stage_; ++i) {
      std::vector<std::int32_t> deps;
      if (prev[static_cast<std::size_t>(i)] >= 0) deps.push_back(prev[static_cast<std::size_t>(i)]);
      for (auto g : grad_ops_) {
        if (out_.graph.ops()[static_cast<std::size_t>(g)].device == sim(stage, i)) deps.push_back(g);
      }
      devs.push_back(sim(stage, i));
      opt.push_back(
          out_.graph.add(compute_op(sim(stage, i), OpCategory::kOptimizer, update, true, -1, 0), deps));
    }
    gather_after_optimizer(stage, devs, opt);
  }

  struct Unit {
    int chunk, micro_batch;
    bool backward;
  };
  // The order in which pipeline device `stage` runs its forward and backward units. v = 1: 1F1B
  // (Narayanan et al. 2021 §2.2.1, PipeDream-Flush): p - s - 1 warm-up forwards, then one forward and one
  // backward, then the remaining backwards. v > 1: Megatron-LM's interleaved schedule
  // (forward_backward_pipelining_with_interleaving): (p - s - 1)·2 + (v - 1)·p warm-up units, unit k of
  // either direction on micro-batch (k / (p v))·p + k mod p, forward chunk (k / p) mod v, backward chunk
  // v - 1 - (k / p) mod v.
  std::vector<Unit> pipeline_order(int stage) const {
    std::vector<Unit> order;
    const int p = stages_, v = virtual_, m = micro_;
    if (v == 1) {
      const int warmup = std::min(p - stage - 1, m);
      int f = 0, b = 0;
      for (; f < warmup; ++f) order.push_back({0, f, false});
      while (f < m) {
        order.push_back({0, f++, false});
        order.push_back({0, b++, true});
      }
      while (b < m) order.push_back({0, b++, true});
      return order;
    }
    const int total = m * v;
    const int warmup = std::min((p - stage - 1) * 2 + (v - 1) * p, total);
    auto unit = [&](int k, bool backward) {
      const int chunk = (k / p) % v;
      return Unit{backward ? v - 1 - chunk : chunk, (k / (p * v)) * p + k % p, backward};
    };
    int f = 0, b = 0;
    for (; f < warmup; ++f) order.push_back(unit(f, false));
    while (f < total) {
      order.push_back(unit(f++, false));
      order.push_back(unit(b++, true));
    }
    while (b < total) order.push_back(unit(b++, true));
    return order;
  }

  void logits(int mb, bool backward, std::vector<std::int32_t>& prev, int stage) {
    const BlockCost cost = costs_->logits(backward);
    for (int i = 0; i < sim_per_stage_; ++i) {
      auto& p = prev[static_cast<std::size_t>(i)];
      const Op op = compute_op(sim(stage, i), OpCategory::kEmbedding, cost, backward, -1, mb);
      p = p >= 0 ? out_.graph.add(op, {p}) : out_.graph.add(op);
    }
  }
  // Token embedding lookup on the first stage (forward before the first layer, backward after the last).
  void embedding(int mb, bool backward, std::vector<std::int32_t>& prev, int stage) {
    const BlockCost cost = costs_->embedding(backward);
    for (int i = 0; i < sim_per_stage_; ++i) {
      auto& p = prev[static_cast<std::size_t>(i)];
      const Op op = compute_op(sim(stage, i), OpCategory::kEmbedding, cost, backward, -1, mb);
      p = p >= 0 ? out_.graph.add(op, {p}) : out_.graph.add(op);
    }
  }

  // Pipeline p2p: the sender's and the receiver's comm ops form a 2-party collective, linked after all stages
  // exist (the receiver's op may be created before the sender's).
  // Pipeline p2p between virtual stages vs and vs + 1 (devices vs mod p and (vs + 1) mod p): the sender's
  // and the receiver's ops form a 2-party collective, linked after all stages exist (the receiver's op may
  // be created before the sender's).
  void send_p2p(int vs, int mb, bool backward, std::vector<std::int32_t>& prev) {
    const int to = backward ? vs - 1 : vs + 1;
    for (int i = 0; i < sim_per_stage_; ++i) {
      Op op;
      op.device = sim(vs % stages_, i);
      op.stream = Stream::kAsync;
      op.backward = backward;
      op.micro_batch = static_cast<std::int16_t>(mb);
      const auto id = out_.graph.add(op, {prev[static_cast<std::size_t>(i)]});
      p2p_[{std::min(vs, to), mb, backward, i}].first = id;
    }
  }
  void recv_p2p(int vs, int mb, bool backward, std::vector<std::int32_t>& prev) {
    const int from = backward ? vs + 1 : vs - 1;
    for (int i = 0; i < sim_per_stage_; ++i) {
      Op op;
      op.device = sim(vs % stages_, i);
      op.stream = Stream::kAsync;
      op.backward = backward;
      op.micro_batch = static_cast<std::int16_t>(mb);
      const auto id = out_.graph.add(op);
      p2p_[{std::min(vs, from), mb, backward, i}].second = id;
      prev[static_cast<std::size_t>(i)] = id;
    }
  }
  void link_p2p() {
    const double bytes = out_.tokens_per_microbatch * m_.d_model * dtype_ / tp_;
    for (const auto& [key, ends] : p2p_) {
      // Priced on the sending device's stage to the next one (the pipeline wraps round with interleaving).
      const auto d = demand(NetworkDemand::Kind::kP2p, -1, std::get<0>(key) % stages_, bytes);
      out_.graph.add_collective(OpCategory::kPipelineP2p, d, {ends.first, ends.second});
    }
  }

  // Parameters held per device before ZeRO sharding. Experts are split over the expert group and, like the
  // dense layers, over the tensor ranks (Megatron-Core's expert tensor parallelism = TP).
  double dense_params_per_device() const {
    const double dense = static_cast<double>(acc_.params_total - acc_.params_experts);
    return dense / (tp_ * stages_);
  }
  double expert_params_per_device() const {
    return static_cast<double>(acc_.params_experts) /
           (static_cast<double>(out_.layout.expert) * tp_ * stages_);
  }
  // What the optimizer step reads and writes: the parameters this device updates (ZeRO >= 1 updates only
  // its shard).
  double params_per_device() const {
    const bool sharded = run_.parallelism.zero >= 1;
    const double dense_replicas = sharded ? out_.layout.data : 1.0;
    const double expert_replicas = sharded ? static_cast<double>(out_.layout.data) / out_.layout.expert : 1.0;
    return dense_params_per_device() / dense_replicas + expert_params_per_device() / expert_replicas;
  }
  void memory() {
    MemoryLayout layout;
    layout.dense_params_per_device = dense_params_per_device();
    layout.expert_params_per_device = expert_params_per_device();
    layout.tokens_per_microbatch = out_.tokens_per_microbatch;
    for (int i = 0; i < sim_per_stage_ && m_.is_moe(); ++i) {
      const int member =
          m_.experts >= out_.layout.expert ? i : i * (out_.layout.expert / static_cast<int>(m_.experts));
      for (const auto& load : out_.loads)
        layout.expert_copies_per_microbatch =
            std::max(layout.expert_copies_per_microbatch, received_copies(run_, load, member));
    }
    out_.memory = memory_per_device(run_, acc_, layout);
  }

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

}  // namespace

BuiltStep build_step(const workloads::RunSpec& run, const workloads::ModelAccounting& accounting,
                     const ComputeModel& compute, std::vector<ExpertLoad> loads) {
  if (loads.empty()) loads.push_back(ExpertLoad{});
  return Builder(run, accounting, compute, std::move(loads)).build();
}

}  // namespace moesim::sim
