#include "sim/step/step_builder.h"

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

/// One transformer layer in model order.
struct LayerPlan {
  Stack stack;
  bool moe;
};

std::vector<LayerPlan> layer_plan(const workloads::ModelSpec& m) {
  std::vector<LayerPlan> out;
  auto add_stack = [&](Stack s, std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) {
      const bool moe = m.is_moe() && m.moe_every > 0 && (i + 1) % m.moe_every == 0;
      out.push_back({s, moe});
    }
  };
  add_stack(Stack::kEncoder, m.encoder_layer_count());
  add_stack(Stack::kDecoder, m.decoder_layer_count());
  return out;
}

// Bytes of optimizer traffic and resident state per parameter.
// Adam, mixed precision: 16 bytes resident (bf16 weight + grad, fp32 master + 2 moments; Rajbhandari et al.
// 2020, ZeRO §3.1 "16Ψ"); the update reads and writes them all once: ~32 bytes of HBM traffic.
// Adafactor as GLaM/T5 ran it (fp32 weights, factored second moment, no first moment with beta1 = 0):
// ~8 bytes resident (weight + grad), ~16 bytes of traffic.
double state_bytes_per_param(workloads::Optimizer o) {
  return o == workloads::Optimizer::kAdam ? 16.0 : 8.0;
}
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
    costs_.emplace(run, acc, compute, out_.tokens_per_microbatch, tp_);
    layers_per_stage_ = static_cast<int>(layers_.size()) / stages_;
  }

  BuiltStep build() {
    for (int s = 0; s < stages_; ++s) build_stage(s);
    link_p2p();
    param_state();
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

  // A compute op costing `cost` (its time is tallied for the compute-source report).
  Op compute_op(int device, OpCategory c, const BlockCost& cost, bool backward, int layer, int mb) {
    out_.compute_time += cost.time;
    return compute_op(device, c, cost.time.time_s, cost.flops, backward, layer, mb,
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

  // Adds a collective among the simulated devices `devs` of one stage; each participant's comm op depends on
  // `after[i]`; returns the participant op ids.
  std::vector<std::int32_t> collective(const std::vector<int>& devs, const std::vector<std::int32_t>& after,
                                       OpCategory c, std::int32_t demand_id, bool backward, int layer,
                                       int mb) {
    std::vector<std::int32_t> ids;
    for (std::size_t i = 0; i < devs.size(); ++i) {
      Op op;
      op.device = devs[i];
      op.stream = Stream::kComm;
      op.backward = backward;
      op.layer = layer;
      op.micro_batch = static_cast<std::int16_t>(mb);
      ids.push_back(after[i] >= 0 ? out_.graph.add(op, {after[i]}) : out_.graph.add(op));
    }
    out_.graph.add_collective(c, demand_id, ids);
    return ids;
  }

  // The ops of one layer's forward or backward for every simulated device of `stage`. `prev` holds each
  // device's last compute op (updated).
  void layer_ops(int stage, int global_layer, const LayerPlan& lp, int mb, bool backward, bool last_mb,
                 std::vector<std::int32_t>& prev) {
    std::vector<int> devs(static_cast<std::size_t>(sim_per_stage_));
    for (int i = 0; i < sim_per_stage_; ++i) devs[static_cast<std::size_t>(i)] = sim(stage, i);
    auto chain = [&](int i, const Op& op) {
      auto& p = prev[static_cast<std::size_t>(i)];
      p = p >= 0 ? out_.graph.add(op, {p}) : out_.graph.add(op);
      return p;
    };
    auto tp_allreduce = [&]() {
      if (tp_ <= 1) return;
      const double bytes = out_.tokens_per_microbatch * m_.d_model * dtype_;
      const auto d = demand(NetworkDemand::Kind::kTpAllReduce, -1, 0, bytes);
      auto ids = collective(devs, prev, OpCategory::kTpAllReduce, d, backward, global_layer, mb);
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
      if (last_mb) gradient_reduce(stage, global_layer, lp, devs, prev);
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
      const auto d =
          demand(NetworkDemand::Kind::kTpAllReduce, -1, 0, out_.tokens_per_microbatch * m_.d_model * dtype_);
      prev = collective(devs, prev, OpCategory::kTpAllReduce, d, backward, layer, mb);
    }
  }

  // Gradient all-reduce of one layer's parameters, issued on the comm stream after its last backward.
  void gradient_reduce(int /*stage*/, int layer, const LayerPlan& lp, const std::vector<int>& devs,
                       const std::vector<std::int32_t>& prev) {
    const double grad_bytes = dtype_;  // gradients reduced in the training precision (DeepSpeed's default)
    double dense_params = 0;
    for (auto kind : {LayerKind::kAttention, LayerKind::kCrossAttention}) {
      if (kind == LayerKind::kCrossAttention && !(lp.stack == Stack::kDecoder && m_.encoder_decoder))
        continue;
      if (const auto* c = find_cost(acc_, kind, lp.stack)) dense_params += static_cast<double>(c->params);
    }
    if (lp.moe) {
      if (const auto* c = find_cost(acc_, LayerKind::kRouter, lp.stack))
        dense_params += static_cast<double>(c->params);
    } else if (const auto* c = find_cost(acc_, LayerKind::kDenseFfn, lp.stack)) {
      dense_params += static_cast<double>(c->params);
    }
    if (out_.layout.data > 1) {
      const auto d = demand(NetworkDemand::Kind::kDpAllReduce, -1, 0, dense_params / tp_ * grad_bytes);
      auto ids = collective(devs, prev, OpCategory::kDpAllReduce, d, true, layer, micro_ - 1);
      grad_ops_.insert(grad_ops_.end(), ids.begin(), ids.end());
    }
    if (lp.moe && out_.layout.data / out_.layout.expert > 1) {
      const auto* c = find_cost(acc_, LayerKind::kMoeFfn, lp.stack);
      const double expert_params = c ? static_cast<double>(c->params) / out_.layout.expert : 0.0;
      const auto d = demand(NetworkDemand::Kind::kExpertAllReduce, -1, 0, expert_params * grad_bytes);
      auto ids = collective(devs, prev, OpCategory::kExpertAllReduce, d, true, layer, micro_ - 1);
      grad_ops_.insert(grad_ops_.end(), ids.begin(), ids.end());
    }
  }

  // One pipeline stage in 1F1B order (Narayanan et al. 2021, PipeDream-Flush): warm-up forwards, steady
  // one-forward-one-backward, cool-down backwards.
  void build_stage(int stage) {
    std::vector<std::int32_t> prev(static_cast<std::size_t>(sim_per_stage_), -1);
    grad_ops_.clear();
    const int first_layer = stage * layers_per_stage_;
    // Number MoE layers in model order (routing draws are per MoE layer).
    int moe_seen = 0;
    for (int l = 0; l < static_cast<int>(layers_.size()); ++l) {
      if (layers_[static_cast<std::size_t>(l)].moe) moe_counter_[l] = moe_seen++;
    }
    auto pass = [&](int mb, bool backward) {
      if (stage > 0 && !backward) recv_p2p(stage, mb, false, prev);
      if (stage < stages_ - 1 && backward) recv_p2p(stage, mb, true, prev);
      if (stage == 0 && !backward) embedding(mb, false, prev, stage);
      if (stage == stages_ - 1) logits(mb, backward, prev, stage);
      for (int j = 0; j < layers_per_stage_; ++j) {
        const int l = backward ? first_layer + layers_per_stage_ - 1 - j : first_layer + j;
        layer_ops(stage, l, layers_[static_cast<std::size_t>(l)], mb, backward, mb == last_backward_mb_,
                  prev);
      }
      if (stage < stages_ - 1 && !backward) send_p2p(stage, mb, false, prev);
      if (stage == 0 && backward) embedding(mb, true, prev, stage);
      if (stage > 0 && backward) send_p2p(stage, mb, true, prev);
    };
    const int warmup = std::min(stages_ - stage - 1, micro_);
    std::vector<std::pair<int, bool>> order;
    int f = 0, b = 0;
    for (; f < warmup; ++f) order.push_back({f, false});
    while (f < micro_) {
      order.push_back({f++, false});
      order.push_back({b++, true});
    }
    while (b < micro_) order.push_back({b++, true});
    last_backward_mb_ = micro_ - 1;
    for (auto [mb, backward] : order) pass(mb, backward);
    // Optimizer step after every gradient all-reduce of this device.
    const double params = params_per_device();
    const BlockCost opt = costs_->optimizer(params * update_bytes_per_param(run_.training.optimizer));
    for (int i = 0; i < sim_per_stage_; ++i) {
      std::vector<std::int32_t> deps;
      if (prev[static_cast<std::size_t>(i)] >= 0) deps.push_back(prev[static_cast<std::size_t>(i)]);
      for (auto g : grad_ops_) {
        if (out_.graph.ops()[static_cast<std::size_t>(g)].device == sim(stage, i)) deps.push_back(g);
      }
      out_.graph.add(compute_op(sim(stage, i), OpCategory::kOptimizer, opt, true, -1, 0), deps);
    }
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
  void send_p2p(int stage, int mb, bool backward, std::vector<std::int32_t>& prev) {
    const int to = backward ? stage - 1 : stage + 1;
    for (int i = 0; i < sim_per_stage_; ++i) {
      Op op;
      op.device = sim(stage, i);
      op.stream = Stream::kAsync;
      op.backward = backward;
      op.micro_batch = static_cast<std::int16_t>(mb);
      const auto id = out_.graph.add(op, {prev[static_cast<std::size_t>(i)]});
      p2p_[{std::min(stage, to), mb, backward, i}].first = id;
    }
  }
  void recv_p2p(int stage, int mb, bool backward, std::vector<std::int32_t>& prev) {
    const int from = backward ? stage + 1 : stage - 1;
    for (int i = 0; i < sim_per_stage_; ++i) {
      Op op;
      op.device = sim(stage, i);
      op.stream = Stream::kAsync;
      op.backward = backward;
      op.micro_batch = static_cast<std::int16_t>(mb);
      const auto id = out_.graph.add(op);
      p2p_[{std::min(stage, from), mb, backward, i}].second = id;
      prev[static_cast<std::size_t>(i)] = id;
    }
  }
  void link_p2p() {
    const double bytes = out_.tokens_per_microbatch * m_.d_model * dtype_ / tp_;
    for (const auto& [key, ends] : p2p_) {
      const auto d = demand(NetworkDemand::Kind::kP2p, -1, std::get<0>(key), bytes);
      out_.graph.add_collective(OpCategory::kPipelineP2p, d, {ends.first, ends.second});
    }
  }

  // Parameters held per device. Experts are split over the expert group and, like the dense layers, over
  // the tensor ranks (Megatron-Core's expert tensor parallelism = TP); with shard_weights every replica
  // holds only its 1/replicas share (ZeRO-3 / FSDP / GSPMD).
  double params_per_device() const {
    const double experts = static_cast<double>(acc_.params_experts);
    const double dense = static_cast<double>(acc_.params_total) - experts;
    const bool shard = run_.parallelism.shard_weights;
    const double dense_replicas = shard ? out_.layout.data : 1.0;
    const double expert_replicas = shard ? static_cast<double>(out_.layout.data) / out_.layout.expert : 1.0;
    return dense / (tp_ * stages_ * dense_replicas) +
           experts / (static_cast<double>(out_.layout.expert) * tp_ * stages_ * expert_replicas);
  }
  void param_state() {
    out_.param_state_bytes_per_device = params_per_device() * state_bytes_per_param(run_.training.optimizer);
  }

  const workloads::RunSpec& run_;
  const workloads::ModelAccounting& acc_;
  const ComputeModel& compute_;
  const workloads::ModelSpec& m_;
  BuiltStep out_;
  int stages_ = 1, micro_ = 1, tp_ = 1, sim_per_stage_ = 1, layers_per_stage_ = 0, last_backward_mb_ = 0;
  double dtype_ = 2;
  std::vector<LayerPlan> layers_;
  std::optional<LayerCosts> costs_;
  std::map<int, int> moe_counter_;
  std::map<std::tuple<int, int, int, double, bool>, std::int32_t> demand_ids_;
  std::map<std::tuple<int, int, bool, int>, std::pair<std::int32_t, std::int32_t>> p2p_;
  std::vector<std::int32_t> grad_ops_;
};

}  // namespace

BuiltStep build_step(const workloads::RunSpec& run, const workloads::ModelAccounting& accounting,
                     const ComputeModel& compute, std::vector<ExpertLoad> loads) {
  if (loads.empty()) loads.push_back(ExpertLoad{});
  return Builder(run, accounting, compute, std::move(loads)).build();
}

}  // namespace moesim::sim
