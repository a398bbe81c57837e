#include "workloads/model_section.h"

#include "workloads/limits.h"

#include <algorithm>
#include <set>

#include "workloads/model_zoo.h"

namespace moesim::workloads {
namespace {

const std::vector<std::string> kModelKeys = {"preset",
                                             "name",
                                             "family",
                                             "source",
                                             "encoder_decoder",
                                             "layers",
                                             "encoder_layers",
                                             "decoder_layers",
                                             "d_model",
                                             "n_heads",
                                             "d_head",
                                             "n_kv_heads",
                                             "q_lora_rank",
                                             "kv_lora_rank",
                                             "qk_rope_head_dim",
                                             "v_head_dim",
                                             "d_ff",
                                             "ffn_gated",
                                             "vocab",
                                             "position_embeddings",
                                             "tied_embeddings",
                                             "experts",
                                             "expert_d_ff",
                                             "expert_gated",
                                             "moe_every",
                                             "first_dense_layers",
                                             "moe_layers",
                                             "shared_experts",
                                             "shared_expert_d_ff",
                                             "top_k",
                                             "gating",
                                             "router",
                                             "router_bias",
                                             "expert_groups",
                                             "group_top_k",
                                             "hierarchical_gating",
                                             "device_limit",
                                             "node_limit",
                                             "capacity_factor",
                                             "eval_capacity_factor",
                                             "mtp_modules",
                                             "block",
                                             "lstm_units",
                                             "lstm_projection",
                                             "softmax_samples"};

/// MoE keys that mean nothing for a dense model.
const std::vector<std::string> kMoeOnlyKeys = {"expert_d_ff",
                                               "expert_gated",
                                               "moe_every",
                                               "first_dense_layers",
                                               "moe_layers",
                                               "shared_experts",
                                               "shared_expert_d_ff",
                                               "top_k",
                                               "gating",
                                               "router",
                                               "router_bias",
                                               "expert_groups",
                                               "group_top_k",
                                               "hierarchical_gating",
                                               "device_limit",
                                               "node_limit",
                                               "capacity_factor",
                                               "eval_capacity_factor"};

const std::vector<std::string> kFamilyNames = {"switch",  "t5",       "glam", "gshard", "gpt3",  "shazeer",
                                               "mixtral", "deepseek", "qwen", "dbrx",   "olmoe", "custom"};

ModelFamily family_from(const std::string& s) {
  for (const auto& m :
       {ModelFamily::kSwitch, ModelFamily::kT5, ModelFamily::kGlam, ModelFamily::kGshard, ModelFamily::kGpt3,
        ModelFamily::kShazeer, ModelFamily::kMixtral, ModelFamily::kDeepseek, ModelFamily::kQwen,
        ModelFamily::kDbrx, ModelFamily::kOlmoe}) {
    if (to_string(m) == s) return m;
  }
  return ModelFamily::kCustom;
}

GatingKind gating_from(const std::string& s) {
  if (s == "top1") return GatingKind::kTop1;
  if (s == "top2") return GatingKind::kTop2;
  if (s == "noisy_topk") return GatingKind::kNoisyTopK;
  if (s == "topk") return GatingKind::kTopK;
  return GatingKind::kNone;
}

/// Typed setters for the optional keys of one mapping.
struct Keys {
  const YamlMap& m;
  void integer(const std::string& key, std::int64_t& field, Bound bound = Bound::kPositive,
               std::int64_t max = limits::kMaxHiddenSize) const {
    if (auto v = m.optional_integer(key, bound, max)) field = *v;
  }
  void boolean(const std::string& key, bool& field) const {
    if (auto v = m.optional_boolean(key)) field = *v;
  }
};

void parse_shape(const YamlMap& m, const Keys& k, ModelSpec& spec) {
  k.boolean("encoder_decoder", spec.encoder_decoder);
  k.integer("layers", spec.layers, Bound::kPositive, limits::kMaxLayers);
  k.integer("encoder_layers", spec.encoder_layers, Bound::kPositive, limits::kMaxLayers);
  k.integer("decoder_layers", spec.decoder_layers, Bound::kPositive, limits::kMaxLayers);
  if (auto v = m.optional_choice("block", {"transformer", "lstm"}))
    spec.block = *v == "lstm" ? LayerBlock::kLstm : LayerBlock::kTransformer;
  k.integer("d_model", spec.d_model);
  k.integer("n_heads", spec.n_heads, Bound::kPositive, limits::kMaxHeads);
  k.integer("d_head", spec.d_head);
  k.integer("n_kv_heads", spec.n_kv_heads, Bound::kPositive, limits::kMaxHeads);
  k.integer("q_lora_rank", spec.q_lora_rank, Bound::kNonNegative);
  k.integer("kv_lora_rank", spec.kv_lora_rank, Bound::kNonNegative);
  k.integer("qk_rope_head_dim", spec.qk_rope_head_dim, Bound::kNonNegative);
  k.integer("v_head_dim", spec.v_head_dim, Bound::kNonNegative);
  k.integer("d_ff", spec.d_ff, Bound::kNonNegative);
  k.boolean("ffn_gated", spec.ffn_gated);
  k.integer("vocab", spec.vocab, Bound::kPositive, limits::kMaxVocab);
  k.integer("position_embeddings", spec.position_embeddings, Bound::kNonNegative, limits::kMaxVocab);
  k.boolean("tied_embeddings", spec.tied_embeddings);
  k.integer("mtp_modules", spec.mtp_modules, Bound::kNonNegative, limits::kMaxLayers);
  k.integer("lstm_units", spec.lstm_units, Bound::kNonNegative);
  k.integer("lstm_projection", spec.lstm_projection, Bound::kNonNegative);
  k.integer("softmax_samples", spec.softmax_samples, Bound::kNonNegative, limits::kMaxVocab);
}

void parse_moe(const YamlMap& m, const Keys& k, ModelSpec& spec) {
  k.integer("experts", spec.experts, Bound::kNonNegative, limits::kMaxExperts);
  k.integer("expert_d_ff", spec.expert_d_ff);
  k.boolean("expert_gated", spec.expert_gated);
  k.integer("moe_every", spec.moe_every, Bound::kPositive, limits::kMaxLayers);
  k.integer("first_dense_layers", spec.first_dense_layers, Bound::kNonNegative, limits::kMaxLayers);
  if (m.has("moe_layers"))
    spec.moe_layers = m.integer_list("moe_layers", Bound::kNonNegative, limits::kMaxLayers);
  k.integer("shared_experts", spec.shared_experts, Bound::kNonNegative, limits::kMaxExperts);
  k.integer("shared_expert_d_ff", spec.shared_expert_d_ff);
  k.integer("top_k", spec.top_k, Bound::kPositive, limits::kMaxExperts);
  if (auto v = m.optional_choice("gating", {"top1", "top2", "noisy_topk", "topk"}))
    spec.gating = gating_from(*v);
  if (auto v = m.optional_choice("router", {"softmax", "sigmoid"}))
    spec.router = *v == "sigmoid" ? RouterScore::kSigmoid : RouterScore::kSoftmax;
  k.boolean("router_bias", spec.router_bias);
  k.integer("expert_groups", spec.expert_groups, Bound::kNonNegative, limits::kMaxExperts);
  k.integer("group_top_k", spec.group_top_k, Bound::kNonNegative, limits::kMaxExperts);
  k.boolean("hierarchical_gating", spec.hierarchical_gating);
  k.integer("device_limit", spec.device_limit, Bound::kNonNegative, limits::kMaxExperts);
  k.integer("node_limit", spec.node_limit, Bound::kNonNegative, limits::kMaxExperts);
  // `none` (or 0) = no capacity limit, dropless: every routed token is computed and the heaviest expert
  // sets the pace (Shazeer et al. 2017 has none; MegaBlocks and DeepSeek-V3 train dropless).
  const auto raw_cf = m.has("capacity_factor") ? m.raw("capacity_factor") : YAML::Node();
  if (raw_cf.IsScalar() && raw_cf.Scalar() == "none") {
    spec.capacity_factor = 0;
    if (!m.has("eval_capacity_factor")) spec.eval_capacity_factor = 0;
  } else if (auto v = m.optional_quantity("capacity_factor", Unit::kCount, Bound::kNonNegative,
                                          limits::kMaxCapacityFactor)) {
    spec.capacity_factor = *v;
    if (!m.has("eval_capacity_factor") && spec.eval_capacity_factor == 0) spec.eval_capacity_factor = *v;
  }
  if (auto v = m.optional_quantity("eval_capacity_factor", Unit::kCount, Bound::kPositive,
                                   limits::kMaxCapacityFactor)) {
    spec.eval_capacity_factor = *v;
  }
}

/// A dense model (or a preset turned dense): the MoE fields have no meaning.
void clear_moe(const YamlMap& m, ModelSpec& spec) {
  for (const auto& key : kMoeOnlyKeys) {
    if (m.has(key)) m.fail(key, "only applies to MoE models; set model.experts > 0 or remove it");
  }
  const ModelSpec dense;
  spec.expert_d_ff = spec.moe_every = spec.top_k = spec.first_dense_layers = 0;
  spec.shared_experts = spec.shared_expert_d_ff = spec.expert_groups = spec.group_top_k = 0;
  spec.device_limit = spec.node_limit = 0;
  spec.moe_layers.clear();
  spec.expert_gated = spec.router_bias = spec.hierarchical_gating = false;
  spec.gating = GatingKind::kNone;
  spec.router = dense.router;
  spec.capacity_factor = spec.eval_capacity_factor = 0;
}

std::string n(std::int64_t v) {
  return std::to_string(v);
}

}  // namespace

ModelSpec parse_model_section(const YamlMap& m) {
  ModelSpec spec;
  const bool from_preset = m.has("preset");
  if (from_preset) {
    const std::string name = m.string("preset");
    const ModelSpec* preset = find_model_preset(name);
    if (!preset)
      m.fail("preset", "unknown model preset '" + name + "'; known presets: " + model_preset_names());
    spec = *preset;
  } else {
    spec.name = "custom";
  }
  // Keys every explicit (preset-less) model must give.
  const auto need = [&](const std::string& key) {
    if (!from_preset && !m.has(key)) m.fail(key, "is required when no model preset is given");
  };
  if (auto v = m.optional_string("name")) spec.name = *v;
  if (auto v = m.optional_choice("family", kFamilyNames)) spec.family = family_from(*v);
  if (auto v = m.optional_string("source")) spec.source = *v;
  const Keys keys{m};
  parse_shape(m, keys, spec);
  if (spec.encoder_decoder) {
    need("encoder_layers");
    need("decoder_layers");
  } else {
    need("layers");
  }
  for (const char* key : {"d_model", "vocab", "tied_embeddings"}) need(key);
  if (!spec.is_lstm())
    for (const char* key : {"n_heads", "d_head"}) need(key);
  parse_moe(m, keys, spec);
  if (spec.experts == 0) clear_moe(m, spec);
  m.finish(kModelKeys);
  validate_model(spec, m);
  return spec;
}

namespace {

void validate_layers(const ModelSpec& s, const YamlMap& m) {
  if (s.encoder_decoder) {
    if (s.layers != 0 && m.has("layers")) {
      m.fail("layers", "an encoder-decoder model takes encoder_layers and decoder_layers, not layers");
    }
    if (s.encoder_layers <= 0) m.fail("encoder_layers", "expected a value greater than zero");
    if (s.decoder_layers <= 0) m.fail("decoder_layers", "expected a value greater than zero");
    if (s.is_lstm()) m.fail("block", "an LSTM model is a single stack: use layers, not encoder_decoder");
    if (s.mtp_modules > 0) m.fail("mtp_modules", "applies to decoder-only models");
  } else {
    if (m.has("encoder_layers") || m.has("decoder_layers")) {
      m.fail(m.has("encoder_layers") ? "encoder_layers" : "decoder_layers",
             "only applies with encoder_decoder: true; a decoder-only model takes layers");
    }
    if (s.layers <= 0) m.fail("layers", "expected a value greater than zero");
  }
}

void validate_attention(const ModelSpec& s, const YamlMap& m) {
  if (s.is_lstm()) {
    if (s.d_ff > 0) m.fail("d_ff", "an LSTM layer has no dense FFN: the MoE layers are its only FFNs");
    if (s.lstm_units <= 0) m.fail("lstm_units", "is required (> 0) for block: lstm");
    if (s.lstm_output() != s.d_model)
      m.fail(s.lstm_projection > 0 ? "lstm_projection" : "lstm_units",
             "an LSTM layer's output (its projection, else its cells) must equal d_model (" + n(s.d_model) +
                 ") for the residual connections");
    return;
  }
  for (const char* key : {"lstm_units", "lstm_projection"}) {
    if (m.has(key)) m.fail(key, "only applies with block: lstm");
  }
  if (s.n_heads <= 0 || s.d_head <= 0) m.fail(s.n_heads <= 0 ? "n_heads" : "d_head", "must be > 0");
  if (s.n_kv_heads > 0 && s.n_heads % s.n_kv_heads != 0)
    m.fail("n_kv_heads", "expected a divisor of n_heads (" + n(s.n_heads) + "), got " + n(s.n_kv_heads));
  if (s.is_mla()) {
    if (s.qk_rope_head_dim <= 0) m.fail("qk_rope_head_dim", "is required (> 0) with kv_lora_rank (MLA)");
    if (m.has("n_kv_heads")) m.fail("n_kv_heads", "does not apply with MLA (kv_lora_rank > 0)");
  } else {
    for (const char* key : {"q_lora_rank", "qk_rope_head_dim", "v_head_dim"}) {
      if (m.has(key) && m.integer(key, Bound::kNonNegative) > 0)
        m.fail(key, "only applies with multi-head latent attention (kv_lora_rank > 0)");
    }
  }
}

void validate_layer_list(const ModelSpec& s, const YamlMap& m) {
  if (s.moe_layers.empty()) return;
  if (s.encoder_decoder) m.fail("moe_layers", "applies to decoder-only and LSTM models");
  std::set<std::int64_t> seen;
  for (auto l : s.moe_layers) {
    if (l >= s.layers)
      m.fail("moe_layers", "layer " + n(l) + " does not exist: the model has layers 0.." + n(s.layers - 1));
    if (!seen.insert(l).second) m.fail("moe_layers", "layer " + n(l) + " is listed twice");
  }
}

void validate_routing_limits(const ModelSpec& s, const YamlMap& m) {
  if (s.expert_groups > 0) {
    if (s.experts % s.expert_groups != 0)
      m.fail("expert_groups", "expected a divisor of experts (" + n(s.experts) + ")");
    if (s.group_top_k <= 0 || s.group_top_k > s.expert_groups)
      m.fail("group_top_k", "expected 1..expert_groups (" + n(s.expert_groups) + ")");
  } else if (s.group_top_k > 0 || s.hierarchical_gating) {
    m.fail(s.group_top_k > 0 ? "group_top_k" : "hierarchical_gating", "needs model.expert_groups > 0");
  }
  if (s.hierarchical_gating && s.top_k % s.group_top_k != 0)
    m.fail("top_k",
           "hierarchical gating picks top_k / group_top_k experts in each chosen group: group_top_k (" +
               n(s.group_top_k) + ") must divide top_k (" + n(s.top_k) + ")");
  if (s.device_limit > 0 && s.node_limit > 0)
    m.fail("node_limit", "give either device_limit or node_limit, not both");
  if ((s.device_limit > 0 || s.node_limit > 0) && s.hierarchical_gating)
    m.fail(s.node_limit > 0 ? "node_limit" : "device_limit",
           "hierarchical gating already sends a token once per chosen group");
}

void validate_moe(const ModelSpec& s, const YamlMap& m) {
  const auto need_moe = [&](const char* key, bool ok) {
    if (!ok) m.fail(key, "is required when model.experts > 0");
  };
  need_moe("expert_d_ff", s.expert_d_ff > 0);
  need_moe("moe_every", s.moe_every > 0 || !s.moe_layers.empty());
  need_moe("top_k", s.top_k > 0);
  need_moe("gating", s.gating != GatingKind::kNone);
  need_moe("capacity_factor", s.capacity_factor > 0 || m.has("capacity_factor") || m.has("preset"));
  const std::int64_t longest = std::max(s.encoder_layer_count(), s.decoder_layer_count());
  if (s.moe_layers.empty() && s.moe_every > longest) {
    m.fail("moe_every", "expected at most the number of layers in a stack (" + std::to_string(longest) +
                            "), got " + std::to_string(s.moe_every));
  }
  if (s.moe_layers.empty() && s.first_dense_layers >= longest)
    m.fail("first_dense_layers", "leaves no MoE layer: expected fewer than " + n(longest));
  validate_layer_list(s, m);
  if (s.top_k > s.experts) {
    m.fail("top_k", "expected at most model.experts (" + std::to_string(s.experts) + "), got " +
                        std::to_string(s.top_k));
  }
  if (s.gating == GatingKind::kTop1 && s.top_k != 1) m.fail("top_k", "gating top1 needs top_k: 1");
  if (s.gating == GatingKind::kTop2 && s.top_k != 2) m.fail("top_k", "gating top2 needs top_k: 2");
  if (s.router_bias && s.router != RouterScore::kSigmoid && m.has("router_bias"))
    m.fail("router_bias", "the auxiliary-loss-free bias goes with router: sigmoid (DeepSeek-V3)");
  validate_routing_limits(s, m);
  if (s.moe_layer_count() < s.total_layers() && s.d_ff <= 0 && !s.is_lstm()) {
    m.fail("d_ff", "is required and must be > 0: some feed-forward layers are dense");
  }
}

}  // namespace

/// Parameters of the model counted in double precision, so that a model too large for the accounting's
/// int64 counts is caught before anything multiplies in int64.
static double parameter_bound(const ModelSpec& s) {
  const double d = static_cast<double>(s.d_model);
  const double layers = static_cast<double>(s.total_layers() + s.mtp_modules);
  const double attention = 4.0 * d * static_cast<double>(s.n_heads) * static_cast<double>(s.d_head);
  const double width = static_cast<double>(std::max({s.d_ff, s.lstm_units, std::int64_t{0}}));
  const double ffn = 4.0 * d * width;
  const double experts = static_cast<double>(s.experts + s.shared_experts) * 3.0 * d *
                         static_cast<double>(std::max(s.expert_d_ff, s.shared_expert_d_ff));
  const double embeddings = 2.0 * d * static_cast<double>(s.vocab + s.position_embeddings);
  return layers * (2.0 * attention + ffn + experts + d * static_cast<double>(s.experts)) + embeddings;
}

void validate_model(const ModelSpec& s, const YamlMap& m) {
  if (parameter_bound(s) > limits::kMaxParameters) {
    const char* key = s.experts > 0 && m.has("experts") ? "experts" : m.has("d_model") ? "d_model" : "layers";
    m.fail(key,
           "the model would have more than 1e15 parameters (layers x widths x experts); larger models "
           "are beyond what moesim models");
  }
  validate_layers(s, m);
  validate_attention(s, m);
  if (!s.is_moe()) {
    if (s.d_ff <= 0 && !s.is_lstm())
      m.fail("d_ff", "is required (the dense feed-forward hidden size) and must be > 0");
    return;
  }
  validate_moe(s, m);
}

}  // namespace moesim::workloads
