// The model zoo against the published figures (see /work/shared/reference/published-figures.md §1-§5).
// Parameter counts follow the conventions of workloads/accounting.h (no biases, norms or relative-position
// tables: well under 0.1% of every model here). Each tolerance says why it is what it is.
#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "workloads/accounting.h"
#include "workloads/model_section.h"
#include "workloads/model_zoo.h"

namespace moesim::workloads {
namespace {

ModelAccounting acc(const std::string& name, std::int64_t seq = 1024) {
  const ModelSpec* m = find_model_preset(name);
  if (!m) throw std::runtime_error("no preset " + name);
  return account_model(*m, {seq, 2});
}
double B(std::int64_t params) {
  return static_cast<double>(params) / 1e9;
}
double rel(double ours, double published) {
  return std::abs(ours - published) / published;
}
/// GLaM Table 4 evidently counts a 32K-row embedding below 64B/64E (see zoo_glam.cpp); this swaps our 256K
/// one.
double with_32k_embedding(std::int64_t params, const std::string& name) {
  const ModelSpec* m = find_model_preset(name);
  return B(params - m->vocab * m->d_model + 32000 * m->d_model);
}

TEST(ModelZoo, NamesAreUniqueLowerCaseWithHyphensAndEveryPresetHasASource) {
  std::set<std::string> seen;
  for (const auto& m : model_presets()) {
    EXPECT_TRUE(seen.insert(m.name).second) << m.name;
    for (char c : m.name) EXPECT_TRUE(std::islower(c) || std::isdigit(c) || c == '-' || c == '.') << m.name;
    EXPECT_FALSE(m.source.empty()) << m.name;
  }
  for (const char* name : {"switch-base", "switch-large", "switch-xxl", "switch-c", "t5-base", "t5-xxl",
                           "glam-64b-64e", "glam-8b-64e", "glam-1.7b-64e", "glam-0.1b-64e", "glam-137b",
                           "gshard-600b", "gpt3-175b", "gpt3-13b", "gpt3-6.7b"}) {
    EXPECT_NE(find_model_preset(name), nullptr) << name;
  }
  EXPECT_EQ(find_model_preset("glam-64b"), nullptr);
}

TEST(ModelZoo, EveryPresetPassesModelValidation) {
  for (const auto& m : model_presets()) {
    const YAML::Node node = YAML::Load("preset: " + m.name);
    EXPECT_NO_THROW(parse_model_section(YamlMap(node, "zoo.yaml", "model"))) << m.name;
  }
}

// GLaM 64B/64E (Table 4): 1.2T total, 96.6B activated. Ours: 1.162T — Table 4 prints one decimal of a
// trillion (1.15T..1.25T), and 1.162T is exactly what 64 attention + 32 GLU FFN + 32×64 2-matrix experts + a
// 256K×8192 embedding give (published-figures §1.1; 1.145T with paxml's 64 heads). Activated 96.60B vs 96.6B:
// the count is exact up to the routers (17M), so 0.1%.
TEST(ModelZoo, Glam64b64eTotalAndActivatedParameters) {
  const auto a = acc("glam-64b-64e");
  EXPECT_GE(B(a.params_total), 1150);
  EXPECT_LT(B(a.params_total), 1250);
  EXPECT_NEAR(B(a.params_total), 1161.8, 0.1);
  EXPECT_LT(rel(B(a.params_activated), 96.6), 0.001) << B(a.params_activated);
  EXPECT_EQ(a.moe_layers, 32);
  EXPECT_EQ(a.params_experts, 32LL * 64 * 2 * 8192 * 32768);
}

// GLaM 8B/64E: 143B total (ours 143.9B: the 256K embedding is 0.9B more than Table 4's 32K one), 9.8B
// activated (reproduced to 0.1% with a 32K-row embedding; with 256K it is 10.7B).
TEST(ModelZoo, Glam8b64eMatchesTable4) {
  const auto a = acc("glam-8b-64e");
  EXPECT_LT(rel(B(a.params_total), 143), 0.01) << B(a.params_total);
  EXPECT_LT(rel(with_32k_embedding(a.params_activated, "glam-8b-64e"), 9.8), 0.005);
}

// The 1.7B/E rows: activated 1.878 / 1.879 / 1.881 / 1.886B grow with E only through the router (d_model × E
// per MoE layer), which our count reproduces to 0.2% (with the 32K embedding, see above). Totals 27B / 53B /
// 105B are printed to the unit (±0.5B). The 32E row's 20B total is not reproducible: its experts alone are
// 12 × 32 × 2 × 2048 × 8192 = 12.9B (ours 14.4B in all), so it is not tested.
TEST(ModelZoo, Glam1p7bFamilyMatchesTable4) {
  const std::vector<std::pair<std::string, double>> activated = {{"glam-1.7b-32e", 1.878},
                                                                 {"glam-1.7b-64e", 1.879},
                                                                 {"glam-1.7b-128e", 1.881},
                                                                 {"glam-1.7b-256e", 1.886}};
  for (const auto& [name, published] : activated) {
    EXPECT_LT(rel(with_32k_embedding(acc(name).params_activated, name), published), 0.002) << name;
  }
  EXPECT_NEAR(B(acc("glam-1.7b-64e").params_total), 27, 0.5);
  EXPECT_NEAR(B(acc("glam-1.7b-128e").params_total), 53, 0.5);
  EXPECT_NEAR(B(acc("glam-1.7b-256e").params_total), 105, 0.5);
  EXPECT_NEAR(B(acc("glam-0.1b-64e").params_total) - 0.1966 + 0.0246, 1.9, 0.05);  // 32K embedding, 1.9B
}

// Dense GLaM rows (32K embedding convention): 1.7B, 8.7B, 137B within 1.5%. The 0.1B rows come out 5-6% above
// Table 4 (138M vs 130M dense, 152M vs 145M activated) for a reason the table does not show; kept at 7%.
TEST(ModelZoo, GlamDenseRowsMatchTable4) {
  EXPECT_LT(rel(with_32k_embedding(acc("glam-1.7b").params_total, "glam-1.7b"), 1.7), 0.015);
  EXPECT_LT(rel(with_32k_embedding(acc("glam-8b").params_total, "glam-8b"), 8.7), 0.015);
  EXPECT_LT(rel(with_32k_embedding(acc("glam-137b").params_total, "glam-137b"), 137), 0.015);
  EXPECT_LT(rel(with_32k_embedding(acc("glam-0.1b").params_total, "glam-0.1b"), 0.130), 0.07);
  EXPECT_LT(rel(with_32k_embedding(acc("glam-0.1b-64e").params_activated, "glam-0.1b-64e"), 0.145), 0.07);
}

// Switch Table 9 prints 7B, 26B, 395B, 1571B: to the unit, so ±0.5B. Switch-XXL needs 128 experts (the gin's
// value) for 395B; with Table 9's printed 64 it would be ~200B.
TEST(ModelZoo, SwitchTotalsMatchTable9) {
  EXPECT_NEAR(B(acc("switch-base").params_total), 7, 0.5);
  EXPECT_NEAR(B(acc("switch-large").params_total), 26, 0.5);
  EXPECT_NEAR(B(acc("switch-xxl").params_total), 395, 0.5);
  EXPECT_NEAR(B(acc("switch-c").params_total), 1571, 0.5);
  ModelSpec xxl64 = *find_model_preset("switch-xxl");
  xxl64.experts = 64;
  EXPECT_LT(B(account_model(xxl64, {512, 2}).params_total), 300);
  EXPECT_EQ(acc("switch-c").params_experts, 30LL * 2048 * 2 * 2080 * 6144);
}

// T5 rows print one significant digit (0.2B, 0.7B, 11B); T5.1.1 counted our way gives 0.25B, 0.78B, 11.1B.
TEST(ModelZoo, T5TotalsMatchTable9WithinItsRounding) {
  EXPECT_LT(rel(B(acc("t5-base").params_total), 0.2), 0.25);
  EXPECT_LT(rel(B(acc("t5-large").params_total), 0.7), 0.12);
  EXPECT_LT(rel(B(acc("t5-xxl").params_total), 11), 0.02);
}

// Table 9's FLOPs/seq (124B, 425B, 6.3T; Switch-C 890B). The convention is not stated; forward FLOPs of 512
// input + 114 target tokens (T5's span corruption lengths) reproduce it within 8%: attention-score and router
// counting conventions move our figure by about ±6%. Switch-C's routers (2 · 2080 · 2048 FLOPs per token per
// layer, 8% of its forward) are evidently not counted there: without them it is within 1%.
TEST(ModelZoo, SwitchAndT5FlopsPerSequenceMatchTable9) {
  const auto per_seq = [](const std::string& name) {
    return flops_fwd_per_sequence(acc(name, 512), 512, 114);
  };
  EXPECT_LT(rel(per_seq("t5-base"), 124e9), 0.08);
  EXPECT_LT(rel(per_seq("t5-large"), 425e9), 0.08);
  EXPECT_LT(rel(per_seq("t5-xxl"), 6.3e12), 0.08);
  EXPECT_LT(rel(per_seq("switch-base"), 124e9), 0.08);
  EXPECT_LT(rel(per_seq("switch-large"), 425e9), 0.08);
  EXPECT_LT(rel(per_seq("switch-xxl"), 6.3e12), 0.08);
  // Switch models are FLOP-matched to their T5 baselines (Table 9): same FLOPs up to the router (Large: the
  // gin's relu 4096 MLP vs T5-Large's GEGLU 2816 differ by 3%).
  EXPECT_LT(rel(per_seq("switch-base"), per_seq("t5-base")), 0.01);
  EXPECT_LT(rel(per_seq("switch-xxl"), per_seq("t5-xxl")), 0.01);
  EXPECT_LT(rel(per_seq("switch-large"), per_seq("t5-large")), 0.02);
  const auto c = acc("switch-c", 512);
  double router = 0;
  for (const auto& l : c.layers) {
    if (l.kind == LayerKind::kRouter) {
      router += static_cast<double>(l.count) * l.flops_fwd_matmul_per_token *
                (l.stack == Stack::kEncoder ? 512 : 114);
    }
  }
  EXPECT_GT(rel(per_seq("switch-c"), 890e9), 0.05);  // with routers: clearly above
  EXPECT_LT(rel(per_seq("switch-c") - router, 890e9), 0.01);
}

// GShard (Table 1): 18 MoE layers × 2048 experts × 2 × 1024 × 8192 = 618.5B expert weights; 619B in Patterson
// et al. Table 4. The Table 1 weights column is rounded down (600B, 200B, 150B, 50B): within 4%. Its 37B and
// 12.5B rows are below their own expert weights (38.7B, 12.9B), so they are not tested.
TEST(ModelZoo, GshardTotalsMatchTable1) {
  const auto a = acc("gshard-600b");
  EXPECT_EQ(a.params_experts, 18LL * 2048 * 2 * 1024 * 8192);
  EXPECT_LT(rel(B(a.params_total), 619), 0.005);
  EXPECT_LT(rel(B(a.params_total), 600), 0.04);
  EXPECT_LT(rel(B(acc("gshard-200b").params_total), 200), 0.04);
  EXPECT_LT(rel(B(acc("gshard-150b").params_total), 150), 0.04);
  EXPECT_LT(rel(B(acc("gshard-50b").params_total), 50), 0.04);
  EXPECT_LT(rel(B(acc("gshard-1t").params_total), 1000), 0.04);
  EXPECT_EQ(acc("gshard-37b").params_experts, 18LL * 128 * 2 * 1024 * 8192);
}

// GPT-3 Table 2.1 prints rounded sizes (2%); Table D.1 gives 175B as 174,600M (0.1%).
TEST(ModelZoo, Gpt3TotalsMatchTable21) {
  EXPECT_LT(rel(B(acc("gpt3-175b").params_total), 174.6), 0.001);
  EXPECT_LT(rel(B(acc("gpt3-13b").params_total), 13.0), 0.02);
  EXPECT_LT(rel(B(acc("gpt3-6.7b").params_total), 6.7), 0.02);
  EXPECT_LT(rel(B(acc("gpt3-2.7b").params_total), 2.7), 0.02);
  EXPECT_LT(rel(B(acc("gpt3-760m").params_total), 0.76), 0.02);
  EXPECT_LT(rel(B(acc("gpt3-350m").params_total), 0.35), 0.02);
  EXPECT_LT(rel(B(acc("gpt3-125m").params_total), 0.125), 0.02);
}

// GPT-3 training compute (Brown et al. Table D.1): 3.14e23 FLOPs for 300B tokens, counted without attention
// ("we ignore attention", App. D), i.e. 6·N·D. Our matrix-product FLOPs ×3 reproduce it within 0.5%.
TEST(ModelZoo, Gpt3TrainingComputeIs6ND) {
  const auto a = acc("gpt3-175b", 2048);
  const double tokens = 300e9;
  EXPECT_LT(rel(6.0 * static_cast<double>(a.params_total) * tokens, 3.14e23), 0.005);
  EXPECT_LT(rel((a.flops_per_token_train - 3 * a.flops_per_token_fwd_attention) * tokens, 3.14e23), 0.005);
  EXPECT_GT(a.flops_per_token_train * tokens, 3.14e23);  // attention adds ~2.7% at 2048 tokens
}

// GLaM Table 1: 180 GFLOPs per token at inference vs GPT-3's 350. The paper does not state its convention,
// and 2 × 96.6B activated = 193 GFLOPs already exceeds 180 (published-figures §10.3), so: our matrix-product
// FLOPs (2 per MAC over the activated weights) within 8% of 180G; GPT-3's within 1% of 350G; and the ratio
// GLaM / GPT-3 (paper: 0.514, "-48.6%") within 10% with attention scores included at each model's context
// (1024 / 2048).
TEST(ModelZoo, GlamVsGpt3InferenceFlops) {
  const auto glam = acc("glam-64b-64e", 1024);
  const auto gpt3 = acc("gpt3-175b", 2048);
  const double glam_matmul = glam.flops_per_token_fwd - glam.flops_per_token_fwd_attention;
  const double gpt3_matmul = gpt3.flops_per_token_fwd - gpt3.flops_per_token_fwd_attention;
  EXPECT_NEAR(glam_matmul, 2.0 * static_cast<double>(glam.params_activated), 1e6);  // tied: 2 × activated
  EXPECT_LT(rel(glam_matmul, 180e9), 0.08) << glam_matmul;
  EXPECT_LT(rel(gpt3_matmul, 350e9), 0.01) << gpt3_matmul;
  EXPECT_LT(rel(glam.flops_per_token_fwd / gpt3.flops_per_token_fwd, 180.0 / 350.0), 0.10);
}

}  // namespace
}  // namespace moesim::workloads
