// moesim — `moesim presets --json`: every built-in model, accelerator and cluster with its key figures.
#pragma once

#include <nlohmann/json.hpp>

namespace moesim::cli {

/// {kind: "moesim-presets", models: [{name, moe, layers, d_model, n_heads, d_ff, vocab, experts, top_k,
/// expert_d_ff, params_total, params_activated, source}], accelerators: [{name, peak_bf16_flop_per_s,
/// hbm_bytes, hbm_bandwidth_Bps, interconnect_bandwidth_Bps, tdp_w, description}], clusters: [{name,
/// accelerator, devices, nodes, fabric, description}]}, in the order `moesim presets` lists them.
nlohmann::json presets_json();

}  // namespace moesim::cli
