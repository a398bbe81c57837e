#include "kernels/cpu_reference.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kernels/counter_rng.h"
#include "kernels/gating_core.h"

namespace moesim::kernels {

float gelu_ref(float x) {
  return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f));
}

std::vector<float> router_logits_cpu(const std::vector<bf16_bits>& x, const std::vector<bf16_bits>& w,
                                     int tokens, int d_model, int experts) {
  std::vector<float> out(static_cast<size_t>(tokens) * experts);
  std::vector<double> acc(experts);
  for (int t = 0; t < tokens; ++t) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int c = 0; c < d_model; ++c) {
      const double a = bf16_to_float(x[static_cast<size_t>(t) * d_model + c]);
      const bf16_bits* wr = &w[static_cast<size_t>(c) * experts];
      for (int e = 0; e < experts; ++e) acc[e] += a * bf16_to_float(wr[e]);
    }
    for (int e = 0; e < experts; ++e) out[static_cast<size_t>(t) * experts + e] = static_cast<float>(acc[e]);
  }
  return out;
}

Routing route_cpu(const std::vector<float>& logits, const GatingConfig& cfg) {
  const int cap = expert_capacity(cfg);
  const int T = cfg.tokens, E = cfg.experts, K = cfg.k;
  if (logits.size() != static_cast<size_t>(T) * E) throw std::invalid_argument("route_cpu: logits size");
  const GatingParams p{T, E, K, cap, static_cast<int>(cfg.policy), cfg.noise_std, cfg.seed};
  Routing r;
  r.tokens = T, r.experts = E, r.k = K, r.capacity = cap;
  r.expert.assign(static_cast<size_t>(T) * K, -1);
  r.gate.assign(static_cast<size_t>(T) * K, 0.0f);
  r.dest_row.assign(static_cast<size_t>(T) * K, -1);
  r.requested.assign(E, 0);
  std::vector<SoftmaxStats> stats(T);
  for (int t = 0; t < T; ++t)
    stats[t] = route_token(logits.data() + static_cast<size_t>(t) * E, p, t,
                           &r.expert[static_cast<size_t>(t) * K], &r.gate[static_cast<size_t>(t) * K]);
  // Positions by definition: all j-th choices before any (j+1)-th, tokens in order (GShard's priority).
  std::vector<std::vector<int32_t>> pos(static_cast<size_t>(T), std::vector<int32_t>(K, -1));
  for (int j = 0; j < K; ++j)
    for (int t = 0; t < T; ++t) {
      const int e = r.expert[static_cast<size_t>(t) * K + j];
      if (e >= 0) pos[t][j] = r.requested[e]++;
    }
  r.kept.resize(E);
  r.offset.assign(E + 1, 0);
  for (int e = 0; e < E; ++e) {
    r.kept[e] = std::min(r.requested[e], cap);
    r.offset[e + 1] = r.offset[e] + r.kept[e];
  }
  for (int t = 0; t < T; ++t)
    for (int j = 0; j < K; ++j) {
      const int e = r.expert[static_cast<size_t>(t) * K + j];
      if (e >= 0 && pos[t][j] < cap) r.dest_row[static_cast<size_t>(t) * K + j] = r.offset[e] + pos[t][j];
    }
  // Aux loss: P_e summed per block of kGatingBlockTokens tokens, then over blocks, as the GPU does.
  std::vector<float> prob_sum(E, 0.0f);
  for (int b0 = 0; b0 < T; b0 += kGatingBlockTokens)
    for (int e = 0; e < E; ++e) {
      float s = 0.0f;
      for (int t = b0; t < std::min(T, b0 + kGatingBlockTokens); ++t)
        s = fadd(s, routing_probability(logits.data() + static_cast<size_t>(t) * E, p, t, e, stats[t]));
      prob_sum[e] = fadd(prob_sum[e], s);
    }
  float loss = 0.0f;
  const float inv_tk = 1.0f / (static_cast<float>(T) * static_cast<float>(K));
  const float inv_t = 1.0f / static_cast<float>(T);
  for (int e = 0; e < E; ++e)
    loss = fadd(loss, fmul(fmul(static_cast<float>(r.requested[e]), inv_tk), fmul(prob_sum[e], inv_t)));
  r.aux_loss = fmul(loss, static_cast<float>(E));
  return r;
}

std::vector<bf16_bits> dispatch_cpu(const std::vector<bf16_bits>& x, const Routing& r, int d_model) {
  std::vector<bf16_bits> out(static_cast<size_t>(r.total_kept()) * d_model);
  for (int t = 0; t < r.tokens; ++t)
    for (int j = 0; j < r.k; ++j) {
      const int row = r.dest_row[static_cast<size_t>(t) * r.k + j];
      if (row >= 0)
        std::copy_n(&x[static_cast<size_t>(t) * d_model], d_model, &out[static_cast<size_t>(row) * d_model]);
    }
  return out;
}

std::vector<bf16_bits> combine_cpu(const std::vector<bf16_bits>& y_rows, const Routing& r, int d_model) {
  std::vector<bf16_bits> out(static_cast<size_t>(r.tokens) * d_model);
  for (int t = 0; t < r.tokens; ++t)
    for (int c = 0; c < d_model; ++c) {
      float acc = 0.0f;
      for (int j = 0; j < r.k; ++j) {
        const int row = r.dest_row[static_cast<size_t>(t) * r.k + j];
        if (row < 0) continue;
        const float y = bf16_to_float(y_rows[static_cast<size_t>(row) * d_model + c]);
        acc = fadd(acc, fmul(r.gate[static_cast<size_t>(t) * r.k + j], y));
      }
      out[static_cast<size_t>(t) * d_model + c] = float_to_bf16(acc);
    }
  return out;
}

GemmReference expert_gemm_cpu(const std::vector<bf16_bits>& rows, const std::vector<int32_t>& offset,
                              const std::vector<bf16_bits>& w, int experts, int k_dim, int n_cols,
                              Activation act) {
  GemmReference ref;
  ref.rows = offset.back();
  ref.out_cols = activation_out_cols(act, n_cols);
  ref.value.assign(static_cast<size_t>(ref.rows) * ref.out_cols, 0.0);
  ref.abs_sum.assign(ref.value.size(), 0.0);
  std::vector<double> acc(n_cols), mag(n_cols), a(k_dim);
  for (int e = 0; e < experts; ++e) {
    const bf16_bits* we = &w[static_cast<size_t>(e) * k_dim * n_cols];
    for (int r = offset[e]; r < offset[e + 1]; ++r) {
      std::fill(acc.begin(), acc.end(), 0.0);
      std::fill(mag.begin(), mag.end(), 0.0);
      for (int c = 0; c < k_dim; ++c) a[c] = bf16_to_float(rows[static_cast<size_t>(r) * k_dim + c]);
      for (int c = 0; c < k_dim; ++c) {
        const bf16_bits* wr = we + static_cast<size_t>(c) * n_cols;
        for (int n = 0; n < n_cols; ++n) {
          const double prod = a[c] * bf16_to_float(wr[n]);
          acc[n] += prod;
          mag[n] += std::fabs(prod);
        }
      }
      for (int n = 0; n < ref.out_cols; ++n) {
        double v, m;
        if (act == Activation::kGeglu) {
          const int blk = n / kGluBlock, i = n % kGluBlock;
          const int g = 2 * blk * kGluBlock + i, u = g + kGluBlock;
          const double gg = 0.5 * acc[g] * (1.0 + std::erf(acc[g] * 0.70710678118654752));
          v = gg * acc[u];
          // |d(gelu(g)·u)| <= (|gelu'(g)|·|u|)·δg + |gelu(g)|·δu, |gelu'| <= 1.13: scale both magnitudes
          m = 1.13 * std::fabs(acc[u]) * mag[g] + std::fabs(gg) * mag[u];
        } else if (act == Activation::kGelu) {
          v = 0.5 * acc[n] * (1.0 + std::erf(acc[n] * 0.70710678118654752));
          m = 1.13 * mag[n];
        } else {
          v = acc[n];
          m = mag[n];
        }
        ref.value[static_cast<size_t>(r) * ref.out_cols + n] = v;
        ref.abs_sum[static_cast<size_t>(r) * ref.out_cols + n] = m;
      }
    }
  }
  return ref;
}

double gemm_bound_ratio(const std::vector<bf16_bits>& gpu, const GemmReference& ref, int k_dim) {
  if (gpu.size() != ref.value.size()) return INFINITY;
  double worst = 0.0;
  const double acc_eps = static_cast<double>(k_dim) * std::ldexp(1.0, -23);
  for (size_t i = 0; i < gpu.size(); ++i) {
    const double g = bf16_to_float(gpu[i]);
    if (!std::isfinite(g)) return INFINITY;
    const double bound = std::ldexp(1.0, -8) * std::fabs(ref.value[i]) + acc_eps * ref.abs_sum[i] + 1e-30;
    worst = std::max(worst, std::fabs(g - ref.value[i]) / bound);
  }
  return worst;
}

double gemm_rel_l2(const std::vector<bf16_bits>& gpu, const GemmReference& ref) {
  double num = 0.0, den = 0.0;
  for (size_t i = 0; i < gpu.size() && i < ref.value.size(); ++i) {
    const double d = bf16_to_float(gpu[i]) - ref.value[i];
    num += d * d;
    den += ref.value[i] * ref.value[i];
  }
  return den > 0.0 ? std::sqrt(num / den) : (num > 0.0 ? INFINITY : 0.0);
}

std::vector<bf16_bits> random_bf16(size_t n, uint64_t seed, uint64_t stream, float scale) {
  std::vector<bf16_bits> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = rng_bf16(seed, stream, i, scale);
  return v;
}

std::vector<float> random_logits(int tokens, int experts, double zipf_s, uint64_t seed) {
  std::vector<float> out(static_cast<size_t>(tokens) * experts);
  std::vector<double> logp(experts);
  double z = 0.0;
  for (int e = 0; e < experts; ++e) z += std::pow(e + 1.0, -zipf_s);
  for (int e = 0; e < experts; ++e) logp[e] = -zipf_s * std::log(e + 1.0) - std::log(z);
  for (size_t i = 0; i < out.size(); ++i) {
    const double u = (static_cast<double>(rng_bits(seed, 7, i) >> 11) + 0.5) * 0x1.0p-53;
    out[i] = static_cast<float>(logp[i % experts] - std::log(-std::log(u)));
  }
  return out;
}

}  // namespace moesim::kernels
