#include "workloads/model_section.h"

#include <algorithm>

#include "workloads/limits.h"
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
                                             "d_ff",
                                             "ffn_gated",
                                             "vocab",
                                             "position_embeddings",
                                             "tied_embeddings",
                                             "experts",
                                             "expert_d_ff",
                                             "expert_gated",
                                             "moe_every",
                                             "top_k",
                                             "gating",
                                             "capacity_factor",
                                             "eval_capacity_factor"};

ModelFamily family_from(const std::string& s) {
  if (s == "switch") return ModelFamily::kSwitch;
  if (s == "t5") return ModelFamily::kT5;
  if (s == "glam") return ModelFamily::kGlam;
  if (s == "gshard") return ModelFamily::kGshard;
  if (s == "gpt3") return ModelFamily::kGpt3;
  if (s == "shazeer") return ModelFamily::kShazeer;
  return ModelFamily::kCustom;
}

GatingKind gating_from(const std::string& s) {
  if (s == "top1") return GatingKind::kTop1;
  if (s == "top2") return GatingKind::kTop2;
  if (s == "noisy_topk") return GatingKind::kNoisyTopK;
  return GatingKind::kNone;
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
  const auto int_key = [&](const std::string& key, std::int64_t& field, Bound bound, std::int64_t max) {
    if (auto v = m.optional_integer(key, bound, max)) field = *v;
  };
  const auto bool_key = [&](const std::string& key, bool& field) {
    if (auto v = m.optional_boolean(key)) field = *v;
  };

  if (auto v = m.optional_string("name")) spec.name = *v;
  if (auto v = m.optional_choice("family", {"switch", "t5", "glam", "gshard", "gpt3", "shazeer", "custom"})) {
    spec.family = family_from(*v);
  }
  if (auto v = m.optional_string("source")) spec.source = *v;
  bool_key("encoder_decoder", spec.encoder_decoder);
  if (spec.encoder_decoder) {
    need("encoder_layers");
    need("decoder_layers");
  } else {
    need("layers");
  }
  int_key("layers", spec.layers, Bound::kPositive, limits::kMaxLayers);
  int_key("encoder_layers", spec.encoder_layers, Bound::kPositive, limits::kMaxLayers);
  int_key("decoder_layers", spec.decoder_layers, Bound::kPositive, limits::kMaxLayers);
  for (const char* key : {"d_model", "n_heads", "d_head", "vocab", "tied_embeddings"}) need(key);
  int_key("d_model", spec.d_model, Bound::kPositive, limits::kMaxHiddenSize);
  int_key("n_heads", spec.n_heads, Bound::kPositive, limits::kMaxHeads);
  int_key("d_head", spec.d_head, Bound::kPositive, limits::kMaxHiddenSize);
  int_key("d_ff", spec.d_ff, Bound::kPositive, limits::kMaxHiddenSize);
  bool_key("ffn_gated", spec.ffn_gated);
  int_key("vocab", spec.vocab, Bound::kPositive, limits::kMaxVocab);
  int_key("position_embeddings", spec.position_embeddings, Bound::kNonNegative, limits::kMaxVocab);
  bool_key("tied_embeddings", spec.tied_embeddings);

  int_key("experts", spec.experts, Bound::kNonNegative, limits::kMaxExperts);
  int_key("expert_d_ff", spec.expert_d_ff, Bound::kPositive, limits::kMaxHiddenSize);
  bool_key("expert_gated", spec.expert_gated);
  int_key("moe_every", spec.moe_every, Bound::kPositive, limits::kMaxLayers);
  int_key("top_k", spec.top_k, Bound::kPositive, limits::kMaxExperts);
  if (auto v = m.optional_choice("gating", {"top1", "top2", "noisy_topk"})) spec.gating = gating_from(*v);
  if (auto v = m.optional_quantity("capacity_factor", Unit::kCount, Bound::kPositive,
                                   limits::kMaxCapacityFactor)) {
    spec.capacity_factor = *v;
    if (!m.has("eval_capacity_factor") && spec.eval_capacity_factor == 0) spec.eval_capacity_factor = *v;
  }
  if (auto v = m.optional_quantity("eval_capacity_factor", Unit::kCount, Bound::kPositive,
                                   limits::kMaxCapacityFactor)) {
    spec.eval_capacity_factor = *v;
  }
  if (spec.experts == 0) {  // a dense model (or a preset turned dense): MoE fields have no meaning
    for (const char* key : {"expert_d_ff", "expert_gated", "moe_every", "top_k", "gating", "capacity_factor",
                            "eval_capacity_factor"}) {
      if (m.has(key)) m.fail(key, "only applies to MoE models; set model.experts > 0 or remove it");
    }
    spec.expert_d_ff = spec.moe_every = spec.top_k = 0;
    spec.expert_gated = false;
    spec.gating = GatingKind::kNone;
    spec.capacity_factor = spec.eval_capacity_factor = 0;
  }
  m.finish(kModelKeys);
  validate_model(spec, m);
  return spec;
}

namespace {

/// Parameters of the model counted in double precision, so that a model too large for the accounting's
/// int64 counts is caught before anything multiplies in int64.
double parameter_bound(const ModelSpec& s) {
  const double d = static_cast<double>(s.d_model);
  const double layers = static_cast<double>(s.total_layers());
  const double attention = 4.0 * d * static_cast<double>(s.n_heads) * static_cast<double>(s.d_head);
  const double ffn = 3.0 * d * static_cast<double>(std::max(s.d_ff, std::int64_t{0}));
  const double experts = static_cast<double>(s.experts) * 3.0 * d * static_cast<double>(s.expert_d_ff);
  const double embeddings = 2.0 * d * static_cast<double>(s.vocab + s.position_embeddings);
  return layers * (2.0 * attention + ffn + experts + d * static_cast<double>(s.experts)) + embeddings;
}

}  // namespace

void validate_model(const ModelSpec& s, const YamlMap& m) {
  if (parameter_bound(s) > limits::kMaxParameters) {
    const char* key = s.experts > 0 && m.has("experts") ? "experts" : m.has("d_model") ? "d_model" : "layers";
    m.fail(key,
           "the model would have more than 1e15 parameters (layers x widths x experts); larger models "
           "are beyond what moesim models");
  }
  if (s.encoder_decoder) {
    if (s.layers != 0 && m.has("layers")) {
      m.fail("layers", "an encoder-decoder model takes encoder_layers and decoder_layers, not layers");
    }
    if (s.encoder_layers <= 0) m.fail("encoder_layers", "expected a value greater than zero");
    if (s.decoder_layers <= 0) m.fail("decoder_layers", "expected a value greater than zero");
  } else {
    if (m.has("encoder_layers") || m.has("decoder_layers")) {
      m.fail(m.has("encoder_layers") ? "encoder_layers" : "decoder_layers",
             "only applies with encoder_decoder: true; a decoder-only model takes layers");
    }
    if (s.layers <= 0) m.fail("layers", "expected a value greater than zero");
  }
  if (!s.is_moe()) {
    if (s.d_ff <= 0) m.fail("d_ff", "is required (the dense feed-forward hidden size) and must be > 0");
    return;
  }
  const auto need_moe = [&](const char* key, bool ok) {
    if (!ok) m.fail(key, "is required when model.experts > 0");
  };
  need_moe("expert_d_ff", s.expert_d_ff > 0);
  need_moe("moe_every", s.moe_every > 0);
  need_moe("top_k", s.top_k > 0);
  need_moe("gating", s.gating != GatingKind::kNone);
  need_moe("capacity_factor", s.capacity_factor > 0);
  const std::int64_t longest = std::max(s.encoder_layer_count(), s.decoder_layer_count());
  if (s.moe_every > longest) {
    m.fail("moe_every", "expected at most the number of layers in a stack (" + std::to_string(longest) +
                            "), got " + std::to_string(s.moe_every));
  }
  if (s.top_k > s.experts) {
    m.fail("top_k", "expected at most model.experts (" + std::to_string(s.experts) + "), got " +
                        std::to_string(s.top_k));
  }
  if (s.gating == GatingKind::kTop1 && s.top_k != 1) m.fail("top_k", "gating top1 needs top_k: 1");
  if (s.gating == GatingKind::kTop2 && s.top_k != 2) m.fail("top_k", "gating top2 needs top_k: 2");
  if (s.moe_layer_count() < s.total_layers() && s.d_ff <= 0) {
    m.fail("d_ff", "is required and must be > 0: with moe_every " + std::to_string(s.moe_every) +
                       " some feed-forward layers are dense");
  }
}

}  // namespace moesim::workloads
