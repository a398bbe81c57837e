// The ops of one layer: forward, full recomputation and backward, MoE blocks with their all-to-alls.
#include "sim/step/step_builder_parts.h"

#include <algorithm>

namespace moesim::sim::detail {

using workloads::LayerKind;
using workloads::Stack;

void Builder::layer_ops(int stage, int global_layer, const LayerPlan& lp, int mb, bool backward, bool last_mb,
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

void Builder::layer_pass(int global_layer, const LayerPlan& lp, int mb, Pass pass,
                         const std::vector<int>& devs, std::vector<std::int32_t>& prev, int stage) {
  const bool backward = pass == Pass::kBackward;
  recomputing_ = pass == Pass::kRecompute;
  auto chain = [&](int i, const Op& op) {
    auto& p = prev[static_cast<std::size_t>(i)];
    p = p >= 0 ? out_.graph.add(op, {p}) : out_.graph.add(op);
    return p;
  };
  auto tp_allreduce = [&](bool bwd) {
    if (tp_ <= 1) return;
    const double bytes = out_.tokens_per_microbatch * m_.d_model * dtype_;
    const auto d = demand(NetworkDemand::Kind::kTpAllReduce, -1, stage, bytes);
    auto ids = collective(devs, prev, OpCategory::kTpAllReduce, d, bwd, global_layer, mb,
                          run_.simulation.overlap.tp_comm);
    prev = ids;
  };
  auto attention_block = [&](LayerKind kind) {
    // LSTM models mix tokens with the recurrent layer instead (reported with attention, the token-mixing
    // block; LSTM layers are not tensor-parallel).
    const BlockCost cost =
        m_.is_lstm() ? costs_->lstm(backward) : costs_->attention(kind, lp.stack, backward);
    for (int i = 0; i < sim_per_stage_; ++i) {
      chain(i, compute_op(devs[static_cast<std::size_t>(i)], OpCategory::kAttention, cost, backward,
                          global_layer, mb));
    }
    if (!m_.is_lstm()) tp_allreduce(backward);
  };
  auto ffn_pass = [&](bool bwd) {
    if (!lp.moe) {
      if (m_.is_lstm()) return;  // an LSTM layer without an MoE has no FFN
      const BlockCost cost = costs_->dense_ffn(lp.stack, bwd);
      for (int i = 0; i < sim_per_stage_; ++i) {
        chain(i, compute_op(devs[static_cast<std::size_t>(i)], OpCategory::kDenseFfn, cost, bwd, global_layer,
                            mb));
      }
      tp_allreduce(bwd);
      return;
    }
    moe_block(stage, global_layer, mb, bwd, devs, prev);
  };
  // A checkpointed FFN (recompute_modules mlp for a dense FFN, moe for an MoE layer) runs its forward
  // again, collectives and all-to-alls included, right before its backward.
  auto ffn_block = [&]() {
    const auto module = lp.moe ? workloads::RecomputeModule::kMoe : workloads::RecomputeModule::kMlp;
    if (backward && run_.training.recomputes(module)) {
      recomputing_ = true;
      ffn_pass(false);
      recomputing_ = false;
    }
    ffn_pass(backward);
  };
  // A multi-token-prediction module: its input projection before the layer, its pass through the shared
  // output head after it.
  auto mtp_block = [&](bool input) {
    if (!lp.mtp) return;
    const BlockCost cost = input ? costs_->mtp_projection(backward) : costs_->logits(backward);
    for (int i = 0; i < sim_per_stage_; ++i)
      chain(i, compute_op(devs[static_cast<std::size_t>(i)], OpCategory::kEmbedding, cost, backward,
                          global_layer, mb));
  };
  // Backward runs the blocks in reverse order; the step time is insensitive to the order within a layer
  // except for where the collectives fall, which reversing preserves.
  if (!backward) {
    mtp_block(true);
    attention_block(LayerKind::kAttention);
    if (lp.stack == Stack::kDecoder && m_.encoder_decoder) attention_block(LayerKind::kCrossAttention);
    ffn_block();
    mtp_block(false);
  } else {
    mtp_block(false);
    ffn_block();
    if (lp.stack == Stack::kDecoder && m_.encoder_decoder) attention_block(LayerKind::kCrossAttention);
    attention_block(LayerKind::kAttention);
    mtp_block(true);
  }
}

void Builder::moe_block(int stage, int layer, int mb, bool backward, const std::vector<int>& devs,
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
    chain(i, compute_op(devs[static_cast<std::size_t>(i)], OpCategory::kPermute, disp, backward, layer, mb));
  }
  const auto permuted = prev;
  prev = collective(devs, permuted, backward ? OpCategory::kA2aCombine : OpCategory::kA2aDispatch, a2a_out,
                    backward, layer, mb);
  // Shared experts need no routing: they run on this device's tokens while the dispatch is in flight
  // (Megatron-Core's shared-expert overlap; DeepSeek-V3 §3.2.1), and the routed experts follow them. Split
  // over the tensor ranks like a dense FFN, their partial outputs are reduced over the tensor group (with
  // sequence parallelism an all-gather + reduce-scatter pair moving the same bytes), which the block's
  // output waits for.
  std::vector<std::int32_t> shared(devs.size(), -1), shared_reduced;
  if (m_.shared_experts > 0) {
    const BlockCost cost = costs_->shared_experts(Stack::kDecoder, backward);
    for (int i = 0; i < sim_per_stage_; ++i) {
      const auto u = static_cast<std::size_t>(i);
      const Op op = compute_op(devs[u], OpCategory::kExpertFfn, cost, backward, layer, mb);
      shared[u] = permuted[u] >= 0 ? out_.graph.add(op, {permuted[u]}) : out_.graph.add(op);
    }
    if (tp_ > 1)
      shared_reduced = collective(devs, shared, OpCategory::kTpAllReduce,
                                  demand(NetworkDemand::Kind::kTpAllReduce, -1, stage,
                                         out_.tokens_per_microbatch * m_.d_model * dtype_),
                                  backward, layer, mb);
  }
  routed_experts(stage, layer, mb, backward, load, devs, shared, prev);
  prev = collective(devs, prev, backward ? OpCategory::kA2aDispatch : OpCategory::kA2aCombine, a2a_back,
                    backward, layer, mb);
  const BlockCost comb = costs_->moe_combine(tokens, local_experts, backward);
  for (int i = 0; i < sim_per_stage_; ++i) {
    chain(i, compute_op(devs[static_cast<std::size_t>(i)], OpCategory::kPermute, comb, backward, layer, mb));
  }
  for (std::size_t u = 0; u < shared_reduced.size(); ++u) {
    Op join = compute_op(devs[u], OpCategory::kSync, 0.0, 0.0, backward, layer, mb);
    prev[u] = out_.graph.add(join, {prev[u], shared_reduced[u]});
  }
  // Each tensor rank routed its own 1/tensor of the tokens. With sequence parallelism that is the layer's
  // layout already; without it the tensor group all-gathers the outputs back into the replicated
  // activations the next block expects (in backward, the input gradients), like Megatron's
  // gather_from_tensor_model_parallel_region.
  if (tp_ > 1 && !run_.parallelism.sequence_parallel) {
    const auto d = demand(NetworkDemand::Kind::kTpAllGather, -1, stage,
                          out_.tokens_per_microbatch * m_.d_model * dtype_);
    prev = collective(devs, prev, OpCategory::kTpGather, d, backward, layer, mb,
                      run_.simulation.overlap.tp_comm);
  }
}

void Builder::routed_experts(int stage, int layer, int mb, bool backward, const ExpertLoad& load,
                             const std::vector<int>& devs, const std::vector<std::int32_t>& shared,
                             std::vector<std::int32_t>& prev) {
  // Expert FFN on the tokens this device received (the slowest expert sets the pace at the next
  // all-to-all). With expert tensor parallelism each expert's FFN is split over the expert-tensor group:
  // its members all-gather the copies they received, compute them on their slice of d_ff and
  // reduce-scatter the partial outputs (Megatron-Core's all-to-all token dispatcher; in backward the
  // gradients take the same two collectives). All groups run them at once, priced at the busiest member's
  // bytes: every member waits for the busiest one at the combine all-to-all anyway.
  const int ep = out_.layout.expert, etp = out_.layout.expert_tensor;
  const int local_experts = static_cast<int>(std::max<std::int64_t>(1, m_.experts / ep));
  std::vector<double> copies(devs.size());
  double busiest = 0;
  for (int i = 0; i < sim_per_stage_; ++i) {
    copies[static_cast<std::size_t>(i)] = etp * received_copies(run_, load, simulated_member(run_, i));
    busiest = std::max(busiest, copies[static_cast<std::size_t>(i)]);
  }
  const double gathered_bytes = busiest * static_cast<double>(m_.d_model) * dtype_;
  if (etp > 1)
    prev = collective(devs, prev, OpCategory::kTpGather,
                      demand(NetworkDemand::Kind::kExpertTpAllGather, -1, stage, gathered_bytes), backward,
                      layer, mb);
  for (int i = 0; i < sim_per_stage_; ++i) {
    const auto u = static_cast<std::size_t>(i);
    const BlockCost experts = costs_->moe_experts(copies[u], local_experts, backward);
    const Op op = compute_op(devs[u], OpCategory::kExpertFfn, experts, backward, layer, mb);
    std::vector<std::int32_t> deps;
    for (auto d : {prev[u], shared[u]})
      if (d >= 0) deps.push_back(d);
    prev[u] = out_.graph.add(op, deps);
  }
  if (etp > 1)
    prev = collective(devs, prev, OpCategory::kTpGather,
                      demand(NetworkDemand::Kind::kExpertTpReduceScatter, -1, stage, gathered_bytes),
                      backward, layer, mb);
}

}  // namespace moesim::sim::detail
