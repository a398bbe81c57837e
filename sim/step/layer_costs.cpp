#include "sim/step/layer_costs.h"

#include <algorithm>

namespace moesim::sim {
namespace {

using kernels::KernelKind;
using workloads::LayerKind;
using workloads::RecomputeModule;
using workloads::Stack;

const workloads::LayerCost* find_cost(const workloads::ModelAccounting& acc, LayerKind kind, Stack stack) {
  for (const auto& l : acc.layers) {
    if (l.kind == kind && (l.stack == stack || l.stack == Stack::kNone || stack == Stack::kNone)) return &l;
  }
  return nullptr;
}

constexpr double kMaskBytes = 1;  // dropout keeps a byte mask per element
constexpr double kFp32 = 4;       // router logits and softmax statistics

}  // namespace

LayerCosts::LayerCosts(const workloads::RunSpec& run, const workloads::ModelAccounting& accounting,
                       const ComputeModel& compute, double tokens, int tensor)
    : run_(run),
      acc_(accounting),
      c_(compute),
      m_(run.model),
      tokens_(tokens),
      tp_(std::max(1, tensor)),
      etp_(static_cast<int>(std::max<std::int64_t>(1, run.parallelism.expert_tensor_degree()))),
      a_(compute.activation_bytes()) {}

double LayerCosts::block_flops(LayerKind kind, Stack stack) const {
  const auto* c = find_cost(acc_, kind, stack);
  return c ? tokens_ * (c->flops_fwd_matmul_per_token + c->flops_fwd_attention_per_token) / tp_ : 0.0;
}

bool LayerCosts::recomputes_expert_activation() const {
  // A recomputed MoE layer re-runs its activation with the rest of it.
  const auto& t = run_.training;
  return t.recomputes(RecomputeModule::kMoeAct) && !t.recomputes(RecomputeModule::kMoe);
}

bool LayerCosts::recomputes_shared_experts() const {
  const auto& t = run_.training;
  return t.recomputes(RecomputeModule::kSharedExperts) && !t.recomputes(RecomputeModule::kMoe);
}

BlockCost LayerCosts::with_recompute(KernelTime backward, KernelTime /*forward*/, double flops) const {
  // Full recomputation re-runs the layer's whole forward, collectives included: the step builder adds those
  // ops itself, so the backward block is the backward alone.
  return {backward, 2.0 * flops};
}

KernelTime LayerCosts::norm(bool backward) const {
  return c_.stream((backward ? 3.0 : 2.0) * tokens_ * m_.d_model * a_);
}

KernelTime LayerCosts::dropout_residual(bool backward) const {
  const double td = tokens_ * m_.d_model;
  const bool drop = run_.compute.dropout;
  if (backward) return drop ? c_.stream(td * (2 * a_ + kMaskBytes)) : KernelTime{};
  return c_.stream(td * (3 * a_ + (drop ? kMaskBytes : 0.0)));
}

KernelTime LayerCosts::linear(double m, double n, double k, bool backward) const {
  KernelTime t = c_.quantize(backward ? m * n : m * k, backward);
  if (!backward) {
    t += c_.gemm(m, n, k);
    return t;
  }
  t += c_.gemm(m, k, n);  // dX[m,k] = dY[m,n] · Wᵀ[n,k]
  t += c_.gemm(k, n, m);  // dW[k,n] = Xᵀ[k,m] · dY[m,n]
  return t;
}

KernelTime LayerCosts::attention_core(bool causal, bool backward) const {
  // Scores over the query/key head size (MLA: + the RoPE part), values over the value head size.
  const double s = static_cast<double>(run_.training.sequence_length);
  const double dqk = static_cast<double>(m_.qk_head_dim()), dv = static_cast<double>(m_.value_head_dim());
  const double heads = static_cast<double>(m_.n_heads) / tp_;
  if (run_.compute.attention == workloads::AttentionKernel::kFused) {
    const double fwd = 2.0 * s * (dqk + dv) * heads * tokens_ * (causal ? 0.5 : 1.0);
    return c_.fused_attention(backward ? 2.5 * fwd : fwd, dqk, s);
  }
  const double g = tokens_ / s * heads;  // one product per sequence and head
  const double probs = g * s * s;
  const bool drop = run_.compute.dropout;
  const auto attn = OpFamily::kAttention;
  KernelTime t;
  if (!backward) {
    t += c_.attention_gemm(s, s, dqk, g);  // scores Q·Kᵀ
    t += c_.stream(2 * probs * a_, attn);  // softmax (scale, mask)
    if (drop) t += c_.stream(probs * (2 * a_ + kMaskBytes), attn);
    t += c_.attention_gemm(s, dv, s, g);  // P·V
    return t;
  }
  t += c_.attention_gemm(s, s, dv, g);  // dP = dO·Vᵀ
  t += c_.attention_gemm(s, dv, s, g);  // dV = Pᵀ·dO
  if (drop) t += c_.stream(probs * (2 * a_ + kMaskBytes), attn);
  t += c_.stream(3 * probs * a_, attn);  // softmax backward
  t += c_.attention_gemm(s, dqk, s, g);  // dQ = dS·K
  t += c_.attention_gemm(s, dqk, s, g);  // dK = dSᵀ·Q
  return t;
}

KernelTime LayerCosts::attention_projections(bool backward) const {
  const double d = static_cast<double>(m_.d_model), h = static_cast<double>(m_.n_heads);
  if (m_.is_mla()) {
    // DeepSeek-V2 MLA: the down-projections to the latents are not split over tensor ranks (each rank
    // computes them, as Megatron-Core's MLA does); the up-projections are split by head.
    const double qk = static_cast<double>(m_.qk_head_dim());
    const double qr = static_cast<double>(m_.q_lora_rank), kvr = static_cast<double>(m_.kv_lora_rank);
    const double rope = static_cast<double>(m_.qk_rope_head_dim);
    KernelTime t;
    if (qr > 0) {
      t += linear(tokens_, qr, d, backward);
      t += c_.stream((backward ? 3.0 : 2.0) * tokens_ * qr * a_);  // the latent's RMSNorm
    } else {
      t += linear(tokens_, h * qk / tp_, d, backward);
    }
    t += linear(tokens_, kvr + rope, d, backward);
    t += c_.stream((backward ? 3.0 : 2.0) * tokens_ * kvr * a_);
    t += mla_up_projections(backward);
    return t;
  }
  // Grouped-query attention: n_kv_heads K/V heads, split over the tensor ranks while there are enough of
  // them (Megatron-Core replicates a group over the ranks that share it).
  const double q = static_cast<double>(m_.d_attention()) / tp_;
  const double kv_heads = static_cast<double>(m_.kv_heads());
  const double kv = kv_heads * static_cast<double>(m_.d_head) / std::min<double>(tp_, kv_heads);
  return linear(tokens_, q + 2 * kv, d, backward);
}

KernelTime LayerCosts::mla_up_projections(bool backward) const {
  const double h = static_cast<double>(m_.n_heads), qk = static_cast<double>(m_.qk_head_dim());
  const double dh = static_cast<double>(m_.d_head), v = static_cast<double>(m_.value_head_dim());
  const double qr = static_cast<double>(m_.q_lora_rank), kvr = static_cast<double>(m_.kv_lora_rank);
  KernelTime t;
  if (qr > 0) t += linear(tokens_, h * qk / tp_, qr, backward);
  t += linear(tokens_, h * (dh + v) / tp_, kvr, backward);
  return t;
}

KernelTime LayerCosts::attention_output(bool backward) const {
  const double width = static_cast<double>(m_.n_heads * m_.value_head_dim()) / tp_;
  return linear(tokens_, static_cast<double>(m_.d_model), width, backward);
}

BlockCost LayerCosts::attention(LayerKind kind, Stack stack, bool backward) const {
  const bool causal = kind == LayerKind::kAttention && stack == Stack::kDecoder;
  auto pass = [&](bool bwd) {
    KernelTime t;
    if (bwd) {
      t += dropout_residual(true);
      t += attention_output(true);
      t += attention_core(causal, true);
      t += attention_projections(true);
      t += norm(true);
      return t;
    }
    t += norm(false);
    t += attention_projections(false);  // Q, K, V
    t += attention_core(causal, false);
    t += attention_output(false);
    t += dropout_residual(false);
    return t;
  };
  const double flops = block_flops(kind, stack);
  if (!backward) return {pass(false), flops};
  KernelTime bwd = pass(true);
  // Selective recomputation runs the attention core's forward again in backward instead of storing it
  // (Korthikanti et al. 2022 §5); MLA's input norm and up-projections when they are named too.
  const auto& tr = run_.training;
  if (tr.recomputes(RecomputeModule::kCoreAttn)) bwd += attention_core(causal, false);
  if (m_.is_mla() && tr.recomputes(RecomputeModule::kLayernorm)) bwd += norm(false);
  if (m_.is_mla() && tr.recomputes(RecomputeModule::kMlaUpProj)) bwd += mla_up_projections(false);
  return with_recompute(bwd, pass(false), flops);
}

BlockCost LayerCosts::dense_ffn(Stack stack, bool backward) const {
  const double d = static_cast<double>(m_.d_model), f = static_cast<double>(m_.d_ff) / tp_;
  const double g = m_.ffn_gated ? 2.0 : 1.0;
  auto pass = [&](bool bwd) {
    KernelTime t;
    if (!bwd) {
      t += norm(false);
      t += linear(tokens_, g * f, d, false);
      t += c_.stream((g + 1) * tokens_ * f * a_);  // activation (GeLU / GLU)
      t += linear(tokens_, d, f, false);
      t += dropout_residual(false);
    } else {
      t += dropout_residual(true);
      t += linear(tokens_, d, f, true);
      t += c_.stream((2 * g + 1) * tokens_ * f * a_);
      t += linear(tokens_, g * f, d, true);
      t += norm(true);
    }
    return t;
  };
  const double flops = block_flops(LayerKind::kDenseFfn, stack);
  if (!backward) return {pass(false), flops};
  return with_recompute(pass(true), pass(false), flops);
}

kernels::KernelShape LayerCosts::moe_shape(double tokens, int experts) const {
  kernels::KernelShape s;
  s.tokens = static_cast<std::int64_t>(std::max(0.0, tokens));
  s.d_model = static_cast<int>(m_.d_model);
  s.d_ff = static_cast<int>(m_.expert_d_ff / etp_);  // the expert-tensor rank's slice
  s.experts = std::max(1, experts);
  s.k = static_cast<int>(m_.top_k);
  s.glu = m_.expert_gated;
  return s;
}

BlockCost LayerCosts::moe_gate(double routed, bool backward) const {
  // Noisy top-k multiplies by a gate and a noise matrix (Shazeer et al. 2017 eq. 4); hierarchical gating
  // runs only its primary gate here, over the groups (the secondary gates run with the experts).
  const int width = static_cast<int>(m_.hierarchical_gating ? m_.expert_groups : m_.experts);
  const int matrices = m_.gating == workloads::GatingKind::kNoisyTopK ? 2 : 1;
  const auto router = moe_shape(routed, width * matrices);
  const auto shape = moe_shape(routed, width);
  const double flops = kernels::kernel_flops(KernelKind::kRouterGemm, router);
  KernelTime fwd = norm(false);
  fwd += c_.moe_kernel(KernelKind::kRouterGemm, router);
  fwd += c_.moe_kernel(KernelKind::kGating, shape);
  if (!backward) return {fwd, flops};
  const double d = static_cast<double>(m_.d_model), E = static_cast<double>(width * matrices);
  KernelTime bwd = c_.stream(3 * routed * E * kFp32);  // softmax backward on the fp32 logits
  bwd += c_.gemm_outside_recipe(routed, d, E);         // dX = dLogits · Wᵀ
  bwd += c_.gemm_outside_recipe(d, E, routed);         // dW = Xᵀ · dLogits
  bwd += norm(true);
  if (run_.training.recomputes(RecomputeModule::kLayernorm)) bwd += norm(false);
  return with_recompute(bwd, fwd, flops);
}

KernelTime LayerCosts::einsum_dispatch(double routed, bool combine, bool backward) const {
  const double S = *run_.compute.einsum_dispatch_group, M = static_cast<double>(m_.d_model);
  const double groups = routed / S;
  const double slots = m_.capacity_factor * static_cast<double>(m_.top_k) * S;  // E·C per group
  const auto g = OpFamily::kGemm;
  const double tensors = groups * S * slots * (a_ + kFp32);  // one-hot dispatch + fp32 combine weights
  KernelTime t;
  if (!combine) {
    if (!backward) {
      t += c_.stream(tensors);
      t += c_.attention_gemm(slots, M, S, groups, g);  // expert inputs [E·C, M]
    } else {
      t += c_.stream(tensors / 2);
      t += c_.attention_gemm(S, M, slots, groups, g);  // d(inputs)
    }
    return t;
  }
  if (!backward) return c_.attention_gemm(S, M, slots, groups, g);  // outputs [S, M]
  t += c_.stream(tensors / 2);
  t += c_.attention_gemm(slots, M, S, groups, g);  // d(expert outputs)
  t += c_.attention_gemm(S, slots, M, groups, g);  // d(combine weights)
  return t;
}

BlockCost LayerCosts::moe_dispatch(double routed, int local_experts, bool backward) const {
  if (run_.compute.einsum_dispatch_group) return {einsum_dispatch(routed, false, backward), 0.0};
  const auto shape = moe_shape(routed, local_experts);
  // The dispatch's gradient sums each token's k expert-row gradients: a combine.
  return {c_.moe_kernel(backward ? KernelKind::kCombine : KernelKind::kDispatch, shape), 0.0};
}

BlockCost LayerCosts::moe_experts(double copies, int local_experts, bool backward) const {
  const double k = static_cast<double>(std::max<std::int64_t>(1, m_.top_k));
  const auto shape = moe_shape(copies / k, local_experts);
  const double d = static_cast<double>(m_.d_model), f = static_cast<double>(m_.expert_d_ff) / etp_;
  const double g = m_.expert_gated ? 2.0 : 1.0, E = std::max(1, local_experts), rows = copies / E;
  const double flops = copies * 2.0 * d * f * (m_.expert_gated ? 3.0 : 2.0);
  // The received copies are quantized before the first GEMM unless the dispatch already sent them in FP8
  // (DeepSeek-V3 §3.3.4: quantized once per token before the dispatch); the activation before the second.
  const bool fp8_dispatch = run_.training.dispatch_precision == workloads::Precision::kFp8;
  KernelTime fwd = c_.quantize((fp8_dispatch ? copies / k : copies) * d, false);
  fwd += c_.moe_kernel(KernelKind::kExpertUp, shape);
  fwd += c_.quantize(copies * f, false);
  fwd += c_.moe_kernel(KernelKind::kExpertDown, shape);
  // Hierarchical gating: each chosen group's secondary gate (and noise) matrix on the copies it received,
  // one per chosen group, picking top_k / group_top_k of the group's experts.
  KernelTime secondary;
  if (m_.hierarchical_gating && copies > 0) {
    const double received = copies * static_cast<double>(m_.group_top_k) / k;
    const double width = static_cast<double>(m_.experts / m_.expert_groups) *
                         (m_.gating == workloads::GatingKind::kNoisyTopK ? 2.0 : 1.0);
    secondary = linear(received, width, d, backward);
  }
  fwd += secondary;
  if (!backward) return {fwd, flops};
  if (!(copies > 0)) return {};
  KernelTime bwd = c_.quantize(copies * d, true);  // the output gradient, then the activation's
  bwd += c_.quantize(copies * g * f, true);
  bwd += c_.grouped_gemm(rows, f, d, E);            // down: dH = dY · W2ᵀ
  bwd += c_.grouped_gemm(f, d, rows, E);            // down: dW2 = Hᵀ · dY
  bwd += c_.stream((2 * g + 1) * copies * f * a_);  // activation backward
  if (recomputes_expert_activation()) bwd += c_.stream((g + 1) * copies * f * a_);
  bwd += c_.grouped_gemm(rows, d, g * f, E);  // up: dX = dH · W1ᵀ
  bwd += c_.grouped_gemm(d, g * f, rows, E);  // up: dW1 = Xᵀ · dH
  bwd += secondary;
  // An LSTM-MoE's selective recomputation re-runs the experts' first layer (Shazeer et al. 2017 App. D).
  if (m_.is_lstm() && run_.training.recompute == workloads::Recompute::kSelective)
    bwd += c_.moe_kernel(KernelKind::kExpertUp, shape);
  return with_recompute(bwd, fwd, flops);
}

BlockCost LayerCosts::moe_combine(double routed, int local_experts, bool backward) const {
  const auto shape = moe_shape(routed, local_experts);
  if (run_.compute.einsum_dispatch_group) {
    KernelTime t = einsum_dispatch(routed, true, backward);
    t += dropout_residual(backward);
    return {t, 0.0};
  }
  if (!backward) {
    KernelTime t = c_.moe_kernel(KernelKind::kCombine, shape);
    t += dropout_residual(false);
    return {t, 0.0};
  }
  // The combine's gradient: each token's gradient copied to its k rows (a dispatch), and the gates'
  // gradients (a dot product per copy with the expert output).
  KernelTime t = dropout_residual(true);
  t += c_.moe_kernel(KernelKind::kDispatch, shape);
  t += c_.stream(routed * static_cast<double>(m_.top_k) * m_.d_model * a_);
  return {t, 0.0};
}

BlockCost LayerCosts::shared_experts(Stack stack, bool backward) const {
  // Shared experts run on every token like a dense FFN of shared_experts x shared_d_ff hidden units.
  const double d = static_cast<double>(m_.d_model);
  const double f = static_cast<double>(m_.shared_experts * m_.shared_d_ff()) / tp_;
  const double g = m_.expert_gated ? 2.0 : 1.0;
  KernelTime t;
  if (!backward) {
    t += linear(tokens_, g * f, d, false);
    t += c_.stream((g + 1) * tokens_ * f * a_);
    t += linear(tokens_, d, f, false);
  } else {
    // Recomputed from their input first when named (the FLOPs of that pass are not model FLOPs).
    if (recomputes_shared_experts()) t += shared_experts(stack, false).time;
    t += linear(tokens_, d, f, true);
    t += c_.stream((2 * g + 1) * tokens_ * f * a_);
    t += linear(tokens_, g * f, d, true);
  }
  const double flops = block_flops(LayerKind::kSharedExperts, stack);
  return {t, backward ? 2.0 * flops : flops};
}

BlockCost LayerCosts::logits(bool backward) const {
  // Importance sampling (Jozefowicz et al. 2016): the logits of the sampled classes and the target only.
  const double d = static_cast<double>(m_.d_model);
  const double v = m_.softmax_samples > 0 ? static_cast<double>(m_.softmax_samples + 1)
                                          : static_cast<double>(m_.vocab) / tp_;
  const double flops = block_flops(LayerKind::kLogits, Stack::kNone);
  KernelTime t;
  if (!backward) {
    t += norm(false);
    t += c_.gemm_outside_recipe(tokens_, v, d);
    t += c_.stream(2 * tokens_ * v * a_);  // cross-entropy: softmax over the logits
    return {t, flops};
  }
  t += c_.stream(2 * tokens_ * v * a_);        // its gradient
  t += c_.gemm_outside_recipe(tokens_, d, v);  // dX = dLogits · Wᵀ
  t += c_.gemm_outside_recipe(d, v, tokens_);  // dW = Xᵀ · dLogits
  t += norm(true);
  return {t, 2.0 * flops};
}

BlockCost LayerCosts::embedding(bool backward) const {
  const double td = tokens_ * m_.d_model;
  KernelTime t = c_.stream((backward ? 3.0 : 2.0) * td * a_);
  if (run_.compute.dropout) t += c_.stream(td * (2 * a_ + kMaskBytes));
  return {t, 0.0};
}

BlockCost LayerCosts::optimizer(double bytes) const {
  return {c_.stream(bytes), 0.0};
}

}  // namespace moesim::sim
