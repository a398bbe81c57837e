// moesim — `moesim compare`: the scenario's MoE model against a dense preset on the same cluster and budget.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reports/dense_reference.h"
#include "reports/scenario_run.h"
#include "workloads/config_error.h"

namespace moesim::reports {

/// Inputs of one comparison besides the scenario file.
struct CompareOptions {
  std::string against = "gpt3-175b";               ///< dense model preset, or a second scenario file
  DenseLayoutRequest layout;                       ///< user-fixed dense tensor / pipeline degrees
  std::optional<double> usd_per_accelerator_hour;  ///< sets cost.usd_per_accelerator_hour for both runs
  std::vector<std::string> overrides;              ///< KEY=VALUE applied to the scenario before both runs
  sim::SimulateOptions simulate;
};

/// True when `against` names a scenario file rather than a model preset: it ends in .yaml / .yml, or is no
/// model preset but an existing file.
bool against_is_scenario(const std::string& against);

/// With a scenario file `against` (against_is_scenario()): simulates both scenarios as given (the overrides
/// and price applied to each) and returns make_scenario_comparison(); a dense layout request is then a
/// ConfigError (key `--against-tensor` / `--against-pipeline`). Otherwise: simulates the scenario, then the
/// dense reference (dense_scenario()) with the first candidate layout of
/// dense_layout_candidates() whose weights and optimizer state fit in HBM, and returns make_comparison().
/// Throws ConfigError for bad input, and (key `--against-pipeline`) when no pipeline depth makes the dense
/// model fit.
nlohmann::json run_comparison(const std::string& scenario_path, const CompareOptions& options);

/// True for the simulation's "does not fit in HBM" error (key `parallelism`, sim/step/step_simulation.cpp).
bool is_memory_fit_error(const ConfigError& error);

}  // namespace moesim::reports
