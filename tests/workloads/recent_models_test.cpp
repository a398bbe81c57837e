// The 2023-2025 MoE presets against their publishers' parameter totals, and the schema features they need
// (grouped-query attention, MLA, shared experts, dense first layers, MTP) against hand counts.
#include <gtest/gtest.h>

#include "tests/workloads/model_error_key.h"

#include "workloads/accounting.h"
#include "workloads/model_section.h"
#include "workloads/model_zoo.h"

namespace moesim::workloads {
namespace {

ModelAccounting acc(const std::string& name) {
  const ModelSpec* m = find_model_preset(name);
  if (!m) throw std::runtime_error("no preset " + name);
  return account_model(*m, {4096, 2});
}
double B(std::int64_t params) {
  return static_cast<double>(params) / 1e9;
}
double rel(double ours, double published) {
  return std::abs(ours - published) / published;
}

struct Published {
  const char* preset;
  double total_b, active_b;
};

// Totals: every publisher prints them to 2-3 digits, and our count leaves out norms and biases (<0.1%):
// 1% on the total. Active counts are printed to 2 digits (37B, 22B, 36B): 3% except where noted.
TEST(RecentModels, TotalsAndActiveMatchThePublishers) {
  const std::vector<Published> rows = {{"mixtral-8x7b", 46.7, 12.9},
                                       {"mixtral-8x22b", 141, 39},
                                       {"deepseek-v2", 236, 21},
                                       {"deepseek-v3", 671, 37},
                                       {"qwen3-30b-a3b", 30.5, 3.3},
                                       {"qwen3-235b-a22b", 235, 22},
                                       {"dbrx", 132, 36},
                                       {"olmoe-1b-7b", 6.9, 1.3}};
  for (const auto& r : rows) {
    const auto a = acc(r.preset);
    EXPECT_LT(rel(B(a.params_total), r.total_b), 0.01) << r.preset << " total " << B(a.params_total);
    // DeepSeek-V2's 21B and Qwen3-30B's 3.3B carry one rounding digit less: 2% of ours above (21.4, 3.35).
    EXPECT_LT(rel(B(a.params_activated), r.active_b), 0.03)
        << r.preset << " active " << B(a.params_activated);
  }
}

// Mixtral 8x7B with grouped-query attention: per layer Q and O 4096², K and V 4096 x 8·128. Without GQA
// (the symptom) the model had 47.5B / 13.7B.
TEST(RecentModels, GroupedQueryAttentionCountsFewerKeyValueHeads) {
  const ModelSpec m = *find_model_preset("mixtral-8x7b");
  EXPECT_EQ(m.attention_params(), 2LL * 4096 * 4096 + 2LL * 4096 * 1024);
  ModelSpec mha = m;
  mha.n_kv_heads = 0;
  const auto with = account_model(m, {4096, 2}), without = account_model(mha, {4096, 2});
  EXPECT_NEAR(B(without.params_total - with.params_total), 32 * 2 * 4096 * 3072 / 1e9, 1e-6);
  EXPECT_NEAR(B(with.params_total), 46.70, 0.01);
  EXPECT_NEAR(B(with.params_activated), 12.88, 0.01);
}

// DeepSeek-V3 MLA per layer (model.py shapes): wq_a 7168x1536, wq_b 1536x(128·192), wkv_a 7168x576,
// wkv_b 512x(128·256), wo (128·128)x7168 = 187.1M.
TEST(RecentModels, MultiHeadLatentAttentionShapes) {
  const ModelSpec m = *find_model_preset("deepseek-v3");
  const std::int64_t expected =
      7168LL * 1536 + 1536LL * 128 * 192 + 7168LL * 576 + 512LL * 128 * 256 + 128LL * 128 * 7168;
  EXPECT_EQ(m.attention_params(), expected);
  const auto a = acc("deepseek-v3");
  EXPECT_EQ(a.moe_layers, 58);  // 61 layers, the first 3 dense
  // Attention scores: QK over 192 and AV over 128 per head.
  EXPECT_DOUBLE_EQ(a.layers[1].flops_fwd_attention_per_token, 2.0 * 4096 * 128 * (192 + 128));
}

// Shared experts are activated parameters of every MoE layer; removing DeepSeek-V3's one shared expert
// removes 58 x 3 x 7168 x 2048 from both counts.
TEST(RecentModels, SharedExpertsAreAlwaysActive) {
  ModelSpec m = *find_model_preset("deepseek-v3");
  const auto with = account_model(m, {4096, 2});
  m.shared_experts = 0;
  const auto without = account_model(m, {4096, 2});
  const std::int64_t shared = 58LL * 3 * 7168 * 2048;
  EXPECT_EQ(with.params_total - without.params_total, shared);
  EXPECT_EQ(with.params_activated - without.params_activated, shared);
  EXPECT_EQ(with.params_experts, without.params_experts);  // shared experts are not routed
}

// The MTP module (README_WEIGHTS.md: 11.5B unique parameters) is counted apart from the 671B and adds its
// layer and a second pass through the output head to the training FLOPs.
TEST(RecentModels, MultiTokenPredictionIsCountedApart) {
  const auto a = acc("deepseek-v3");
  EXPECT_LT(rel(B(a.params_mtp), 11.5), 0.03) << B(a.params_mtp);
  EXPECT_EQ(a.params_trained(), a.params_total + a.params_mtp);
  ModelSpec m = *find_model_preset("deepseek-v3");
  m.mtp_modules = 0;
  const auto none = account_model(m, {4096, 2});
  EXPECT_EQ(none.params_total, a.params_total);
  EXPECT_GT(a.flops_per_token_fwd, none.flops_per_token_fwd + 2.0 * 129280 * 7168);
}

TEST(RecentModels, ExplicitMoeLayersAndFirstDenseLayers) {
  const YAML::Node node =
      YAML::Load("preset: mixtral-8x7b\nmoe_layers: [1, 3, 5]\nd_ff: 14336\nffn_gated: true\n");
  const ModelSpec m = parse_model_section(YamlMap(node, "t.yaml", "model"));
  EXPECT_EQ(m.moe_layer_count(), 3);
  EXPECT_TRUE(m.is_moe_layer(3));
  EXPECT_FALSE(m.is_moe_layer(2));
  const YAML::Node bad = YAML::Load("preset: mixtral-8x7b\nmoe_layers: [1, 40]\n");
  try {
    parse_model_section(YamlMap(bad, "t.yaml", "model"));
    FAIL() << "layer 40 of 32 accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("model.moe_layers"), std::string::npos) << e.what();
  }
}

TEST(RecentModels, BadAttentionAndRoutingKeysNameTheKey) {
  const auto key_of = test::model_error_key;
  EXPECT_EQ(key_of("preset: mixtral-8x7b\nn_kv_heads: 5\n"), "model.n_kv_heads");
  EXPECT_EQ(key_of("preset: mixtral-8x7b\nqk_rope_head_dim: 64\n"), "model.qk_rope_head_dim");
  EXPECT_EQ(key_of("preset: qwen3-30b-a3b\nexpert_groups: 7\ngroup_top_k: 2\n"), "model.expert_groups");
  EXPECT_EQ(key_of("preset: deepseek-v3\ndevice_limit: 3\n"), "model.node_limit");
  EXPECT_EQ(key_of("preset: mixtral-8x7b\nrouter: tanh\n"), "model.router");
}

}  // namespace
}  // namespace moesim::workloads
