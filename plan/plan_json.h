// moesim — layouts and their outcomes as JSON: the records of `moesim plan --json`, of its shard files and of
// the lines its worker processes send back.
#pragma once

#include <nlohmann/json.hpp>

#include "plan/layout_evaluator.h"

namespace moesim::plan {

/// {devices, parallelism: {data, expert, tensor, pipeline, micro_batches, virtual_stages, zero,
/// sequence_parallel, stage_layers: "even" | "auto"}, recompute, label}.
nlohmann::json layout_json(const Layout& layout);
/// Reads layout_json() back; throws ConfigError (file `source`) on a missing or mistyped field.
Layout layout_from_json(const nlohmann::json& j, const std::string& source);

/// The layout's fields plus, when simulated: step_time_s, mfu, tokens_per_s, memory_bytes_per_device (the
/// total), memory_breakdown_bytes_per_device {weights, gradients, optimizer_state, activations, buffers},
/// hbm_bytes, exposed_s {all_to_all, all_reduce, pipeline_p2p, total}, breakdown_s (simulate's keys),
/// energy_j_per_step, accelerator_hours_per_step, cost_usd_per_step, cost_usd_run, time_to_train_s,
/// energy_mwh_run (null when the scenario lacks what they need), simulator_wall_s; or ok: false with
/// error_kind and error. Doubles are written with round-trip precision.
nlohmann::json outcome_json(const LayoutOutcome& outcome);
/// Reads outcome_json() back exactly; throws ConfigError (file `source`) on a malformed record.
LayoutOutcome outcome_from_json(const nlohmann::json& j, const std::string& source);

}  // namespace moesim::plan
