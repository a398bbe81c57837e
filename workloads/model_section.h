// moesim — reading the `model:` section of a scenario into a ModelSpec.
#pragma once

#include "workloads/model_spec.h"
#include "workloads/yaml_reader.h"

namespace moesim::workloads {

/// Reads a `model:` mapping: either `preset: NAME` plus optional overrides of any ModelSpec field (same key
/// names as the fields, e.g. `experts: 128`), or every field explicit. Keys and defaults without a preset:
/// required: d_model, n_heads, d_head, vocab, tied_embeddings, `layers` (decoder-only) or `encoder_layers` +
/// `decoder_layers` (encoder_decoder: true), d_ff (unless every FFN is MoE);
/// optional: name (default "custom"), family (default custom), source, encoder_decoder (default false),
/// ffn_gated (default false: the original Transformer's 2-matrix FFN), position_embeddings (default 0),
/// experts (default 0 = dense). When experts > 0: expert_d_ff, moe_every, top_k, gating and capacity_factor
/// are required; expert_gated defaults to false, eval_capacity_factor to capacity_factor.
/// Throws ConfigError (naming `model.KEY`) for an unknown preset (listing the known ones), an unknown key, a
/// wrong type or bound, or an inconsistent model (e.g. top_k > experts, gating top1 with top_k 2).
ModelSpec parse_model_section(const YamlMap& model);

/// Checks a ModelSpec's internal consistency; errors name `model.KEY` at its line in `model`.
void validate_model(const ModelSpec& spec, const YamlMap& model);

}  // namespace moesim::workloads
