// moesim — simulate one training step of a scenario and report it as JSON (the `simulate` contract).
#pragma once

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace moesim::sim {

/// Options of one simulation that are not part of the scenario.
struct SimulateOptions {
  std::optional<std::string> backend;  ///< overrides `simulation.backend` (analytic | ptask | flow)
  std::string trace_path;              ///< write a Chrome/Perfetto trace of the step here ("" = none)
  bool progress = false;               ///< progress messages on stderr
  std::string profile_path;            ///< measured profile DB overriding compute.profile ("" = none)
};

/// Simulates one training step of the scenario in `root` (read from `file`, for messages) and returns the
/// result with the keys documented in the README ("simulate JSON"): step_time_s, tokens_per_s, mfu,
/// breakdown_s{...}, a2a_bytes_per_step, a2a_bytes_per_tier{...}, busiest_link{...}, energy_j_per_step,
/// energy_mwh_run, tco2e_run, cost_usd_run, time_to_train_s, accelerator_hours_run, the accounting keys
/// (params_total, params_activated, flops_per_token_fwd, flops_per_token_train, a2a_bytes_per_token, ...),
/// and provenance (moesim_version, backend, compute_source, scenario, model, cluster, accelerator, devices).
/// Bad input throws ConfigError (exit code 2 in the CLI).
nlohmann::json simulate_scenario(const YAML::Node& root, const std::string& file,
                                 const SimulateOptions& options);

/// Loads `path`, applies `overrides`, simulates (see simulate_scenario).
nlohmann::json simulate_scenario_file(const std::string& path, const std::vector<std::string>& overrides,
                                      const SimulateOptions& options);

/// Prints the human-readable summary of a simulate_scenario() result.
void print_simulation(std::ostream& out, const nlohmann::json& result);

}  // namespace moesim::sim
