#include "sim/step/layer_costs.h"

#include <algorithm>

namespace moesim::sim {
namespace {

using kernels::KernelKind;
using workloads::LayerKind;
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
      a_(compute.activation_bytes()) {}

double LayerCosts::block_flops(LayerKind kind, Stack stack) const {
  const auto* c = find_cost(acc_, kind, stack);
  return c ? tokens_ * (c->flops_fwd_matmul_per_token + c->flops_fwd_attention_per_token) / tp_ : 0.0;
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
  if (!backward) return c_.gemm(m, n, k);
  KernelTime t = c_.gemm(m, k, n);  // dX[m,k] = dY[m,n] · Wᵀ[n,k]
  t += c_.gemm(k, n, m);            // dW[k,n] = Xᵀ[k,m] · dY[m,n]
  return t;
}

KernelTime LayerCosts::attention_core(bool causal, bool backward) const {
  const double s = static_cast<double>(run_.training.sequence_length), dh = static_cast<double>(m_.d_head);
  const double heads = static_cast<double>(m_.n_heads) / tp_;
  if (run_.compute.attention == workloads::AttentionKernel::kFused) {
    const double fwd = 4.0 * s * dh * heads * tokens_ * (causal ? 0.5 : 1.0);
    return c_.fused_attention(backward ? 2.5 * fwd : fwd, dh, s);
  }
  const double g = tokens_ / s * heads;  // one product per sequence and head
  const double probs = g * s * s;
  const bool drop = run_.compute.dropout;
  const auto attn = OpFamily::kAttention;
  KernelTime t;
  if (!backward) {
    t += c_.attention_gemm(s, s, dh, g);   // scores Q·Kᵀ
    t += c_.stream(2 * probs * a_, attn);  // softmax (scale, mask)
    if (drop) t += c_.stream(probs * (2 * a_ + kMaskBytes), attn);
    t += c_.attention_gemm(s, dh, s, g);  // P·V
    return t;
  }
  t += c_.attention_gemm(s, s, dh, g);  // dP = dO·Vᵀ
  t += c_.attention_gemm(s, dh, s, g);  // dV = Pᵀ·dO
  if (drop) t += c_.stream(probs * (2 * a_ + kMaskBytes), attn);
  t += c_.stream(3 * probs * a_, attn);  // softmax backward
  t += c_.attention_gemm(s, dh, s, g);   // dQ = dS·K
  t += c_.attention_gemm(s, dh, s, g);   // dK = dSᵀ·Q
  return t;
}

BlockCost LayerCosts::attention(LayerKind kind, Stack stack, bool backward) const {
  const double d = static_cast<double>(m_.d_model);
  const double width = static_cast<double>(m_.d_attention()) / tp_;
  const bool causal = kind == LayerKind::kAttention && stack == Stack::kDecoder;
  auto pass = [&](bool bwd) {
    KernelTime t;
    if (bwd) t += dropout_residual(true);
    if (bwd) t += linear(tokens_, d, width, true);  // output projection
    if (!bwd) {
      t += norm(false);
      t += linear(tokens_, 3 * width, d, false);  // Q, K, V projections
    }
    t += attention_core(causal, bwd);
    if (!bwd) {
      t += linear(tokens_, d, width, false);
      t += dropout_residual(false);
    } else {
      t += linear(tokens_, 3 * width, d, true);
      t += norm(true);
    }
    return t;
  };
  const double flops = block_flops(kind, stack);
  if (!backward) return {pass(false), flops};
  KernelTime bwd = pass(true);
  // Selective recomputation runs the attention core's forward again in backward instead of storing it
  // (Korthikanti et al. 2022 §5).
  if (run_.training.recompute == workloads::Recompute::kSelective) bwd += attention_core(causal, false);
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
  s.d_ff = static_cast<int>(m_.expert_d_ff);
  s.experts = std::max(1, experts);
  s.k = static_cast<int>(m_.top_k);
  s.glu = m_.expert_gated;
  return s;
}

BlockCost LayerCosts::moe_gate(double routed, bool backward) const {
  const auto shape = moe_shape(routed, static_cast<int>(m_.experts));
  const double flops = kernels::kernel_flops(KernelKind::kRouterGemm, shape);
  KernelTime fwd = norm(false);
  fwd += c_.moe_kernel(KernelKind::kRouterGemm, shape);
  fwd += c_.moe_kernel(KernelKind::kGating, shape);
  if (!backward) return {fwd, flops};
  const double d = static_cast<double>(m_.d_model), E = static_cast<double>(m_.experts);
  KernelTime bwd = c_.stream(3 * routed * E * kFp32);  // softmax backward on the fp32 logits
  bwd += c_.gemm(routed, d, E);                        // dX = dLogits · Wᵀ
  bwd += c_.gemm(d, E, routed);                        // dW = Xᵀ · dLogits
  bwd += norm(true);
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
  const double d = static_cast<double>(m_.d_model), f = static_cast<double>(m_.expert_d_ff);
  const double g = m_.expert_gated ? 2.0 : 1.0, E = std::max(1, local_experts), rows = copies / E;
  const double flops = copies * 2.0 * d * f * (m_.expert_gated ? 3.0 : 2.0);
  KernelTime fwd = c_.moe_kernel(KernelKind::kExpertUp, shape);
  fwd += c_.moe_kernel(KernelKind::kExpertDown, shape);
  if (!backward) return {fwd, flops};
  if (!(copies > 0)) return {};
  KernelTime bwd = c_.grouped_gemm(rows, f, d, E);  // down: dH = dY · W2ᵀ
  bwd += c_.grouped_gemm(f, d, rows, E);            // down: dW2 = Hᵀ · dY
  bwd += c_.stream((2 * g + 1) * copies * f * a_);  // activation backward
  bwd += c_.grouped_gemm(rows, d, g * f, E);        // up: dX = dH · W1ᵀ
  bwd += c_.grouped_gemm(d, g * f, rows, E);        // up: dW1 = Xᵀ · dH
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

BlockCost LayerCosts::logits(bool backward) const {
  const double d = static_cast<double>(m_.d_model), v = static_cast<double>(m_.vocab) / tp_;
  const double flops = block_flops(LayerKind::kLogits, Stack::kNone);
  KernelTime t;
  if (!backward) {
    t += norm(false);
    t += linear(tokens_, v, d, false);
    t += c_.stream(2 * tokens_ * v * a_);  // cross-entropy: softmax over the logits
    return {t, flops};
  }
  t += c_.stream(2 * tokens_ * v * a_);  // its gradient
  t += linear(tokens_, v, d, true);
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
