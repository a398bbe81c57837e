// moesim — the `simulate --json` contract: a StepResult as JSON, keys documented in the README.
#pragma once

#include <nlohmann/json.hpp>

#include "sim/step/step_result.h"

namespace moesim::reports {

/// The result with the README's keys (units in the key names): step_time_s, tokens_per_s, mfu,
/// breakdown_s{...}, a2a_bytes_per_step, a2a_bytes_per_tier{...}, busiest_link{...}, routing{...},
/// energy_j_per_step, the run totals (null without training.total_tokens), the accounting keys and the
/// provenance (moesim_version, backend, compute_source, scenario, model, cluster, accelerator, devices).
nlohmann::json to_json(const sim::StepResult& result);

}  // namespace moesim::reports
