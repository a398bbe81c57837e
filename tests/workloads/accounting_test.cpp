// Conventions of workloads/accounting.h, checked on hand-computed small models.
#include "workloads/accounting.h"

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>

#include "workloads/model_zoo.h"

namespace moesim::workloads {
namespace {

/// A tiny decoder-only MoE: 4 layers, d 8, 2 heads × 4, dense FFN 16 (2 matrices), 4 experts × 16 every other
/// layer, top-2, cf 1.5, vocab 10, tied.
ModelSpec tiny_moe() {
  ModelSpec m;
  m.name = "tiny";
  m.layers = 4;
  m.d_model = 8;
  m.n_heads = 2;
  m.d_head = 4;
  m.d_ff = 16;
  m.vocab = 10;
  m.tied_embeddings = true;
  m.experts = 4;
  m.expert_d_ff = 16;
  m.moe_every = 2;
  m.top_k = 2;
  m.gating = GatingKind::kTop2;
  m.capacity_factor = 1.5;
  m.eval_capacity_factor = 1.5;
  return m;
}

TEST(Accounting, HandCountedTinyMoe) {
  const auto a = account_model(tiny_moe(), {32, 2});
  // attention 4 × (4·8·8) = 1024; dense FFN 2 × 2·8·16 = 512; experts 2 × 4 × 256 = 2048; routers 2 × 8·4 =
  // 64; embedding 10·8 = 80.
  EXPECT_EQ(a.params_total, 1024 + 512 + 2048 + 64 + 80);
  EXPECT_EQ(a.params_activated, 1024 + 512 + 2 * 2 * 256 + 64 + 80);
  EXPECT_EQ(a.params_experts, 2048);
  EXPECT_EQ(a.params_embedding, 80);
  EXPECT_EQ(a.moe_layers, 2);
  // Forward: 2 × (activated − embedding lookup) + logits 2·10·8 + attention 4 layers × 4·32·8.
  const double matmul = 2.0 * (1024 + 512 + 1024 + 64) + 2.0 * 80;
  EXPECT_DOUBLE_EQ(a.flops_per_token_fwd_attention, 4.0 * 4 * 32 * 8);
  EXPECT_DOUBLE_EQ(a.flops_per_token_fwd, matmul + a.flops_per_token_fwd_attention);
  EXPECT_DOUBLE_EQ(a.flops_per_token_train, 3 * a.flops_per_token_fwd);
  EXPECT_DOUBLE_EQ(a.flops_per_token_train_recompute, 4 * a.flops_per_token_fwd);
  // All-to-all: 2 (dispatch+combine) × k 2 × d 8 × 2 bytes × cf 1.5 = 96 per MoE layer; 2 layers; ×2
  // training.
  EXPECT_DOUBLE_EQ(a.a2a_bytes_per_token_per_moe_layer, 96);
  EXPECT_DOUBLE_EQ(a.a2a_bytes_per_token, 192);
  EXPECT_DOUBLE_EQ(a.a2a_bytes_per_token_train, 384);
}

TEST(Accounting, AttentionFlopsScaleWithSequenceLengthOnly) {
  const auto a = account_model(tiny_moe(), {32, 2});
  const auto b = account_model(tiny_moe(), {64, 2});
  EXPECT_DOUBLE_EQ(b.flops_per_token_fwd_attention, 2 * a.flops_per_token_fwd_attention);
  EXPECT_DOUBLE_EQ(b.flops_per_token_fwd - b.flops_per_token_fwd_attention,
                   a.flops_per_token_fwd - a.flops_per_token_fwd_attention);
  EXPECT_EQ(a.params_total, b.params_total);
}

TEST(Accounting, DtypeAndCapacityFactorScaleAllToAll) {
  ModelSpec m = tiny_moe();
  const auto bf16 = account_model(m, {32, 2});
  const auto fp32 = account_model(m, {32, 4});
  EXPECT_DOUBLE_EQ(fp32.a2a_bytes_per_token, 2 * bf16.a2a_bytes_per_token);
  m.capacity_factor = 3.0;
  EXPECT_DOUBLE_EQ(account_model(m, {32, 2}).a2a_bytes_per_token, 2 * bf16.a2a_bytes_per_token);
}

TEST(Accounting, DenseModelHasNoExpertsRoutersOrAllToAll) {
  const auto a = account_model(*find_model_preset("gpt3-175b"), {2048, 2});
  EXPECT_EQ(a.params_total, a.params_activated);
  EXPECT_EQ(a.params_experts, 0);
  EXPECT_EQ(a.moe_layers, 0);
  EXPECT_EQ(a.a2a_bytes_per_token, 0);
  for (const auto& l : a.layers) {
    EXPECT_NE(l.kind, LayerKind::kMoeFfn);
    EXPECT_NE(l.kind, LayerKind::kRouter);
  }
}

TEST(Accounting, UntiedLogitsAddParametersAndGatedFfnHasThreeMatrices) {
  ModelSpec m = tiny_moe();
  const auto tied = account_model(m, {32, 2});
  m.tied_embeddings = false;
  const auto untied = account_model(m, {32, 2});
  EXPECT_EQ(untied.params_total - tied.params_total, 80);
  EXPECT_DOUBLE_EQ(untied.flops_per_token_fwd, tied.flops_per_token_fwd);  // the lookup is free either way
  m.ffn_gated = true;
  EXPECT_EQ(account_model(m, {32, 2}).params_total - untied.params_total, 2 * 8 * 16);  // 2 dense layers
}

TEST(Accounting, EncoderDecoderHasCrossAttentionAndSplitsPerSequence) {
  const auto a = account_model(*find_model_preset("t5-base"), {512, 2});
  int cross = 0;
  for (const auto& l : a.layers) {
    if (l.kind == LayerKind::kCrossAttention) {
      ++cross;
      EXPECT_EQ(l.stack, Stack::kDecoder);
      EXPECT_EQ(l.count, 12);
    }
  }
  EXPECT_EQ(cross, 1);
  // One token through both stacks == flops_fwd_per_sequence(1, 1).
  EXPECT_NEAR(flops_fwd_per_sequence(a, 1, 1), a.flops_per_token_fwd, 1.0);
  EXPECT_GT(flops_fwd_per_sequence(a, 512, 0), 0);
  EXPECT_LT(flops_fwd_per_sequence(a, 512, 0), flops_fwd_per_sequence(a, 512, 114));
}

TEST(Accounting, RejectsNonPositiveOptions) {
  EXPECT_THROW(account_model(tiny_moe(), {0, 2}), std::invalid_argument);
  EXPECT_THROW(account_model(tiny_moe(), {32, 0}), std::invalid_argument);
}

TEST(Accounting, JsonHasTheStableKeysAndMatchesTheStruct) {
  const auto a = account_model(*find_model_preset("switch-base"), {512, 2});
  const auto j = to_json(a);
  for (const char* key : {"params_total", "params_activated", "flops_per_token_fwd", "flops_per_token_train",
                          "flops_per_token_train_recompute", "a2a_bytes_per_token",
                          "a2a_bytes_per_token_train", "layers", "model", "sequence_length"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["params_total"].get<std::int64_t>(), a.params_total);
  EXPECT_DOUBLE_EQ(j["flops_per_token_fwd"].get<double>(), a.flops_per_token_fwd);
  EXPECT_EQ(j["layers"].size(), a.layers.size());
  EXPECT_EQ(j["model"], "switch-base");
}

TEST(Accounting, PrintsAReadableTable) {
  std::ostringstream out;
  print_accounting(out, account_model(*find_model_preset("glam-64b-64e"), {1024, 2}));
  const std::string s = out.str();
  EXPECT_NE(s.find("glam-64b-64e"), std::string::npos);
  EXPECT_NE(s.find("1.162 T"), std::string::npos) << s;
  EXPECT_NE(s.find("96.60 G"), std::string::npos) << s;
  EXPECT_NE(s.find("moe_ffn"), std::string::npos);
  EXPECT_NE(s.find("32 MoE layers"), std::string::npos) << s;
}

}  // namespace
}  // namespace moesim::workloads
