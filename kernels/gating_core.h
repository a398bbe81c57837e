// moesim kernels — the per-token routing decision, one function compiled for both the CPU reference and the
// CUDA gating kernels (one thread or one warp per token), so all make bit-identical choices
// (portable_math.h).
#pragma once

#include <cstdint>

#include "kernels/counter_rng.h"
#include "kernels/moe_routing.h"
#include "kernels/portable_math.h"

#ifdef __CUDACC__
#define MOESIM_UNROLL _Pragma("unroll")
#else
#define MOESIM_UNROLL
#endif

namespace moesim::kernels {

/// RNG streams of the gating (counter_rng.h).
inline constexpr uint64_t kNoiseStream = 1;   // noisy top-k: one normal per (token, expert)
inline constexpr uint64_t kGShardStream = 2;  // GShard: one uniform per token

/// Gating parameters in the form the kernel takes them (plain values, no std::string/vector).
struct GatingParams {
  int tokens, experts, k, capacity;
  int policy;  // GatingPolicy as int
  float noise_std;
  uint64_t seed;
};

/// The score the top-k ranks for (t, e): the logit row[e] of token t, plus N(0,1)·noise_std for noisy top-k.
MOESIM_HD float gating_score(const float* row, const GatingParams& p, int t, int e) {
  float v = row[e];
  if (p.policy == static_cast<int>(GatingPolicy::kNoisyTopK)) {
    float n = rng_normal(p.seed, kNoiseStream, static_cast<uint64_t>(t) * p.experts + e);
    v = fadd(v, fmul(n, p.noise_std));
  }
  return v;
}

/// Softmax statistics of one token: maximum score and Σ exp(score − max), experts summed in index order.
struct SoftmaxStats {
  float max, sum;
};

/// The gates of one token from its top-k scores bv/be (descending, -inf/-1 where fewer than k experts are
/// eligible) and its softmax statistics; writes k experts and gates, applying GShard's random second-expert
/// rule. Shared by route_token and the warp-per-token CUDA kernel, so both compute the same bits.
MOESIM_HD void token_gates(const float* bv, const int* be, float mx, float sum, const GatingParams& p, int t,
                           int32_t* expert_out, float* gate_out) {
  const int policy = p.policy;
  float g[kMaxTopK];
  float kept_sum = 0.0f;
  MOESIM_UNROLL
  for (int i = 0; i < kMaxTopK; ++i) {
    if (i < p.k) {
      float ex = det_exp(fadd(bv[i], -mx));
      // noisy top-k: softmax over the kept k only (Shazeer eq. 3); others: the full softmax's probability
      g[i] = policy == static_cast<int>(GatingPolicy::kNoisyTopK) ? ex : fdiv(ex, sum);
      kept_sum = fadd(kept_sum, g[i]);
    } else {
      g[i] = 0.0f;
    }
  }
  const bool renormalise = policy != static_cast<int>(GatingPolicy::kTop1Switch);
  MOESIM_UNROLL
  for (int i = 0; i < kMaxTopK; ++i) {
    if (i < p.k) {
      expert_out[i] = be[i];
      gate_out[i] = renormalise ? fdiv(g[i], kept_sum) : g[i];
    }
  }
  if (policy == static_cast<int>(GatingPolicy::kTop2GShard)) {
    float u = rng_uniform(p.seed, kGShardStream, static_cast<uint64_t>(t));
    if (!(u < fmul(2.0f, gate_out[1]))) expert_out[1] = -1, gate_out[1] = 0.0f;
  }
}

/// Routes token t, whose logits are row[0..E): writes k experts (descending score, lower index first on ties;
/// -1 when GShard's random routing drops the second) and their gates; returns the softmax statistics for the
/// aux loss.
MOESIM_HD SoftmaxStats route_token(const float* row, const GatingParams& p, int t, int32_t* expert_out,
                                   float* gate_out) {
  const float kNegInf = bits_to_float(0xff800000u);
  float bv[kMaxTopK];
  int be[kMaxTopK];
  MOESIM_UNROLL
  for (int i = 0; i < kMaxTopK; ++i) bv[i] = kNegInf, be[i] = -1;
  for (int e = 0; e < p.experts; ++e) {
    float cv = gating_score(row, p, t, e);
    int ce = e;
    MOESIM_UNROLL
    for (int i = 0; i < kMaxTopK; ++i) {
      // (score desc, index asc): an equal score displaces only a higher index (one shifted down by a
      // larger score), so ties keep the lower indices, as the warp arg-max of gpu_routing.cu
      if (i < p.k && (cv > bv[i] || (cv == bv[i] && ce < be[i]))) {
        float tv = bv[i];
        int te = be[i];
        bv[i] = cv, be[i] = ce;
        cv = tv, ce = te;
      }
    }
  }
  const float mx = bv[0];
  float sum = 0.0f;
  for (int e = 0; e < p.experts; ++e) sum = fadd(sum, det_exp(fadd(gating_score(row, p, t, e), -mx)));
  token_gates(bv, be, mx, sum, p, t, expert_out, gate_out);
  return SoftmaxStats{mx, sum};
}

/// Softmax probability of expert e for token t given its statistics (the aux loss's P_e terms).
MOESIM_HD float routing_probability(const float* row, const GatingParams& p, int t, int e, SoftmaxStats s) {
  return fdiv(det_exp(fadd(gating_score(row, p, t, e), -s.max)), s.sum);
}

}  // namespace moesim::kernels
