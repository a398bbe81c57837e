// CPU references of the MoE kernels: routing semantics (Switch, GShard, top-k, noisy top-k), capacity and
// drops, dispatch/combine, grouped GEMM, and the portable arithmetic they rest on.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "kernels/counter_rng.h"
#include "kernels/cpu_reference.h"
#include "kernels/portable_math.h"

using namespace moesim::kernels;

TEST(PortableMath, DetExpMatchesStdExp) {
  double worst = 0.0;
  for (float x = -87.0f; x <= 0.0f; x += 0.0137f)
    worst = std::max(worst, std::fabs(det_exp(x) / std::exp(double(x)) - 1.0));
  EXPECT_LT(worst, 4e-7);
  EXPECT_EQ(det_exp(0.0f), 1.0f);
  EXPECT_EQ(det_exp(-100.0f), 0.0f);
}

TEST(PortableMath, Bf16RoundsToNearestEven) {
  EXPECT_EQ(float_to_bf16(1.0f), 0x3f80);
  EXPECT_EQ(float_to_bf16(1.0f + std::ldexp(1.0f, -8)), 0x3f80);      // halfway, even stays
  EXPECT_EQ(float_to_bf16(1.0f + 3 * std::ldexp(1.0f, -8)), 0x3f82);  // halfway, odd rounds up
  EXPECT_EQ(float_to_bf16(-2.5f), 0xc020);
  EXPECT_EQ(bf16_to_float(0x3f80), 1.0f);
}

TEST(CounterRng, NormalHasUnitVarianceAndIsReproducible) {
  double s = 0, s2 = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const double v = rng_normal(5, 1, i);
    s += v, s2 += v * v;
  }
  EXPECT_NEAR(s / n, 0.0, 0.03);
  EXPECT_NEAR(s2 / n, 1.0, 0.05);
  EXPECT_EQ(rng_bits(1, 2, 3), rng_bits(1, 2, 3));
  EXPECT_NE(rng_bits(1, 2, 3), rng_bits(1, 2, 4));
}

TEST(Capacity, FollowsSwitchFormula) {
  GatingConfig c{1000, 8, 2, GatingPolicy::kTop2GShard, 1.25};
  EXPECT_EQ(expert_capacity(c), 313);  // ceil(1.25·1000·2/8) = ceil(312.5)
  c.capacity_factor = 0.0;
  EXPECT_EQ(expert_capacity(c), 2000);  // dropless
  c.k = 3;
  EXPECT_THROW(expert_capacity(c), std::invalid_argument);  // GShard needs k = 2
  GatingConfig bad{10, 300, 1, GatingPolicy::kTop1Switch, 1.0};
  EXPECT_THROW(expert_capacity(bad), std::invalid_argument);
}

TEST(Routing, Top1PicksArgmaxLowerIndexOnTiesAndDropsInTokenOrder) {
  // 4 tokens, 4 experts; tokens 0, 1, 3 prefer expert 2; token 2 has a tie between experts 1 and 3.
  std::vector<float> logits = {0, 0, 5, 0, 0, 0, 5, 0, 0, 3, 0, 3, 1, 0, 6, 0};
  GatingConfig c{4, 4, 1, GatingPolicy::kTop1Switch, 2.0};  // capacity ceil(2·4/4) = 2
  const Routing r = route_cpu(logits, c);
  EXPECT_EQ(r.expert, (std::vector<int32_t>{2, 2, 1, 2}));
  EXPECT_EQ(r.capacity, 2);
  EXPECT_EQ(r.requested, (std::vector<int32_t>{0, 1, 3, 0}));
  EXPECT_EQ(r.kept, (std::vector<int32_t>{0, 1, 2, 0}));
  EXPECT_EQ(r.offset, (std::vector<int32_t>{0, 0, 1, 3, 3}));
  EXPECT_EQ(r.dest_row, (std::vector<int32_t>{1, 2, 0, -1}));  // token 3 is the third on expert 2: dropped
  const float p = 1.0f / (3.0f + std::exp(5.0f)) * std::exp(5.0f);
  EXPECT_NEAR(r.gate[0], p, 1e-6);  // Switch: gate = p_max, not renormalised
}

TEST(Routing, TopKTiesKeepLowerIndicesEvenWhenShiftedByALargerScore) {
  // Expert 0 and 5 tie at 2; expert 7 (3) arrives later and shifts expert 0 down to the second place, where
  // it must displace expert 5 (same score, higher index): the top-2 is {7, 0}, not {7, 5}.
  const std::vector<float> logits = {2, 0, 0, 0, 0, 2, 0, 3};
  const Routing r = route_cpu(logits, GatingConfig{1, 8, 2, GatingPolicy::kTopK, 0.0});
  EXPECT_EQ(r.expert, (std::vector<int32_t>{7, 0}));
}

TEST(Routing, AllFirstChoicesComeBeforeAnySecondChoice) {
  // Token 0: first 0, second 1. Token 1: first 1, second 2. Capacity 1: on expert 1 token 1's first choice
  // beats token 0's second choice although token 0 comes first (GShard's priority).
  std::vector<float> logits = {2.0f, 1.9f, -9.0f, -9.0f, 2.0f, 1.9f};
  GatingConfig c{2, 3, 2, GatingPolicy::kTopK, 0.75};  // capacity ceil(0.75·2·2/3) = 1
  const Routing r = route_cpu(logits, c);
  EXPECT_EQ(r.expert, (std::vector<int32_t>{0, 1, 1, 2}));
  EXPECT_EQ(r.capacity, 1);
  EXPECT_EQ(r.dest_row, (std::vector<int32_t>{0, -1, 1, 2}));
  EXPECT_EQ(r.requested, (std::vector<int32_t>{1, 2, 1}));
  EXPECT_NEAR(r.gate[0] + r.gate[1], 1.0f, 1e-6);
}

TEST(Routing, GShardRandomRoutingDropsSomeWeakSecondChoices) {
  const int T = 2000, E = 8;
  const auto logits = random_logits(T, E, 0.0, 3);
  GatingConfig c{T, E, 2, GatingPolicy::kTop2GShard, 0.0};
  const Routing r = route_cpu(logits, c);
  int unrouted = 0;
  for (int t = 0; t < T; ++t) {
    EXPECT_GE(r.expert[2 * t], 0);
    if (r.expert[2 * t + 1] < 0) {
      ++unrouted;
      EXPECT_EQ(r.gate[2 * t + 1], 0.0f);
    } else {
      EXPECT_LE(r.gate[2 * t + 1], r.gate[2 * t]);
    }
  }
  EXPECT_GT(unrouted, 0);
  EXPECT_LT(unrouted, T);
}

TEST(Routing, TopKGatesSumToOneAndAuxLossIsOneWhenBalanced) {
  const int T = 64, E = 4;
  std::vector<float> logits(T * E);
  for (int t = 0; t < T; ++t)
    for (int e = 0; e < E; ++e) logits[t * E + e] = (e == t % E) ? 2.0f : 0.0f;  // perfectly balanced
  GatingConfig c{T, E, 2, GatingPolicy::kTopK, 0.0};
  const Routing r = route_cpu(logits, c);
  for (int t = 0; t < T; ++t) EXPECT_NEAR(r.gate[2 * t] + r.gate[2 * t + 1], 1.0f, 1e-6);
  GatingConfig c1{T, E, 1, GatingPolicy::kTop1Switch, 0.0};
  EXPECT_NEAR(route_cpu(logits, c1).aux_loss, 1.0f, 1e-5);  // E·Σ (1/E)(1/E)
  // Skew raises the loss: everyone to expert 0.
  std::vector<float> skew(T * E, 0.0f);
  for (int t = 0; t < T; ++t) skew[t * E] = 5.0f;
  EXPECT_GT(route_cpu(skew, c1).aux_loss, 3.0f);
}

TEST(Routing, NoisyTopKWithoutNoiseIsSoftmaxOverKept) {
  const auto logits = random_logits(50, 16, 0.0, 9);
  GatingConfig c{50, 16, 3, GatingPolicy::kNoisyTopK, 0.0};
  c.noise_std = 0.0f;
  GatingConfig plain = c;
  plain.policy = GatingPolicy::kTopK;
  const Routing a = route_cpu(logits, c), b = route_cpu(logits, plain);
  EXPECT_EQ(a.expert, b.expert);
  for (size_t i = 0; i < a.gate.size(); ++i) EXPECT_NEAR(a.gate[i], b.gate[i], 1e-6);
  c.noise_std = 2.0f;
  EXPECT_NE(route_cpu(logits, c).expert, a.expert);  // noise changes choices
}

TEST(Routing, ZipfLogitsSkewTheLoad) {
  const auto logits = random_logits(4000, 8, 1.2, 1);
  const Routing r = route_cpu(logits, GatingConfig{4000, 8, 1, GatingPolicy::kTop1Switch, 0.0});
  EXPECT_GT(r.requested[0], 3 * r.requested[7]);
  const Routing u =
      route_cpu(random_logits(4000, 8, 0.0, 1), GatingConfig{4000, 8, 1, GatingPolicy::kTop1Switch, 0.0});
  EXPECT_LT(u.requested[0], 2 * u.requested[7]);
}

TEST(DispatchCombine, RoundTripThroughIdentityExpertsGivesTheInput) {
  const int T = 100, E = 8, d = 16;
  const auto logits = random_logits(T, E, 0.0, 4);
  const Routing r = route_cpu(logits, GatingConfig{T, E, 2, GatingPolicy::kTopK, 0.0});
  const auto x = random_bf16(static_cast<size_t>(T) * d, 4, 1, 1.0f);
  const auto rows = dispatch_cpu(x, r, d);
  ASSERT_EQ(rows.size(), static_cast<size_t>(2 * T * d));
  const auto out = combine_cpu(rows, r, d);
  for (size_t i = 0; i < x.size(); ++i)
    EXPECT_NEAR(bf16_to_float(out[i]), bf16_to_float(x[i]), 1e-2 * std::fabs(bf16_to_float(x[i])) + 1e-6);
  // every dispatched row holds the token that points to it
  for (int t = 0; t < T; ++t)
    for (int j = 0; j < 2; ++j) {
      const int row = r.dest_row[t * 2 + j];
      ASSERT_GE(row, r.offset[r.expert[t * 2 + j]]);
      ASSERT_LT(row, r.offset[r.expert[t * 2 + j] + 1]);
      EXPECT_EQ(rows[static_cast<size_t>(row) * d], x[static_cast<size_t>(t) * d]);
    }
}

TEST(ExpertGemm, MatchesNaiveProductAndGegluLayout) {
  const int E = 2, K = 8, N = 128;
  const std::vector<int32_t> offset = {0, 3, 5};
  const auto a = random_bf16(5 * K, 1, 1, 1.0f);
  const auto w = random_bf16(static_cast<size_t>(E) * K * N, 1, 2, 1.0f);
  const GemmReference plain = expert_gemm_cpu(a, offset, w, E, K, N, Activation::kNone);
  const GemmReference geglu = expert_gemm_cpu(a, offset, w, E, K, N, Activation::kGeglu);
  ASSERT_EQ(geglu.out_cols, 64);
  for (int r = 0; r < 5; ++r) {
    const int e = r < 3 ? 0 : 1;
    for (int n = 0; n < N; ++n) {
      double s = 0;
      for (int k = 0; k < K; ++k)
        s += double(bf16_to_float(a[r * K + k])) * bf16_to_float(w[(e * K + k) * N + n]);
      EXPECT_NEAR(plain.value[r * N + n], s, 1e-9);
    }
    for (int n = 0; n < 64; ++n) {
      const double g = plain.value[r * N + n], u = plain.value[r * N + n + 64];
      EXPECT_NEAR(geglu.value[r * 64 + n], 0.5 * g * (1 + std::erf(g / std::sqrt(2.0))) * u, 1e-9);
    }
  }
  // The bound check accepts the rounded reference and rejects a perturbed one.
  std::vector<bf16_bits> rounded(plain.value.size());
  for (size_t i = 0; i < rounded.size(); ++i) rounded[i] = float_to_bf16(static_cast<float>(plain.value[i]));
  EXPECT_LE(gemm_bound_ratio(rounded, plain, K), 1.0);
  rounded[7] = float_to_bf16(bf16_to_float(rounded[7]) * 1.05f + 0.01f);
  EXPECT_GT(gemm_bound_ratio(rounded, plain, K), 1.0);
  EXPECT_GT(gemm_rel_l2(rounded, plain), 0.0);
}
