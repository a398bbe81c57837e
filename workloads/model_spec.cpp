#include "workloads/model_spec.h"

#include <algorithm>
#include <array>
#include <utility>

namespace moesim::workloads {

namespace {

constexpr std::array<std::pair<ModelFamily, std::string_view>, 12> kFamilies{{
    {ModelFamily::kSwitch, "switch"},
    {ModelFamily::kT5, "t5"},
    {ModelFamily::kGlam, "glam"},
    {ModelFamily::kGshard, "gshard"},
    {ModelFamily::kGpt3, "gpt3"},
    {ModelFamily::kShazeer, "shazeer"},
    {ModelFamily::kMixtral, "mixtral"},
    {ModelFamily::kDeepseek, "deepseek"},
    {ModelFamily::kQwen, "qwen"},
    {ModelFamily::kDbrx, "dbrx"},
    {ModelFamily::kOlmoe, "olmoe"},
    {ModelFamily::kCustom, "custom"},
}};

}  // namespace

std::string_view to_string(ModelFamily family) {
  for (const auto& [f, name] : kFamilies)
    if (f == family) return name;
  return "custom";
}

std::string_view to_string(GatingKind gating) {
  switch (gating) {
    case GatingKind::kNone:
      return "none";
    case GatingKind::kTop1:
      return "top1";
    case GatingKind::kTop2:
      return "top2";
    case GatingKind::kNoisyTopK:
      return "noisy_topk";
    case GatingKind::kTopK:
      return "topk";
  }
  return "none";
}

std::string_view to_string(RouterScore score) {
  return score == RouterScore::kSigmoid ? "sigmoid" : "softmax";
}

bool ModelSpec::is_moe_layer(std::int64_t index) const {
  if (!is_moe()) return false;
  if (!moe_layers.empty()) return std::find(moe_layers.begin(), moe_layers.end(), index) != moe_layers.end();
  if (moe_every <= 0 || index < first_dense_layers) return false;
  return (index + 1) % moe_every == 0;
}

std::int64_t ModelSpec::moe_layers_in(std::int64_t stack_layers) const {
  std::int64_t n = 0;
  for (std::int64_t i = 0; i < stack_layers; ++i) n += is_moe_layer(i) ? 1 : 0;
  return n;
}

std::int64_t ModelSpec::attention_params() const {
  if (is_mla()) {
    // DeepSeek-V2 §2.1.2-2.1.3 (inference/model.py of deepseek-ai/DeepSeek-V3): wq_a [d, q_lora] and
    // wq_b [q_lora, H·(d_head + rope)] (or wq [d, H·(d_head + rope)]), wkv_a [d, kv_lora + rope],
    // wkv_b [kv_lora, H·(d_head + v)], wo [H·v, d].
    const std::int64_t q_out = n_heads * qk_head_dim();
    const std::int64_t q = q_lora_rank > 0 ? d_model * q_lora_rank + q_lora_rank * q_out : d_model * q_out;
    const std::int64_t kv =
        d_model * (kv_lora_rank + qk_rope_head_dim) + kv_lora_rank * n_heads * (d_head + value_head_dim());
    return q + kv + n_heads * value_head_dim() * d_model;
  }
  // Q and O are d_model × n_heads·d_head; K and V d_model × kv_heads·d_head.
  return 2 * d_model * d_attention() + 2 * d_model * kv_heads() * d_head;
}

std::int64_t ModelSpec::lstm_params() const {
  return 4 * lstm_units * (d_model + lstm_output()) +
         (lstm_projection > 0 ? lstm_units * lstm_projection : 0);
}

}  // namespace moesim::workloads
