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
  std::string against = "gpt3-175b";               ///< dense model preset
  DenseLayoutRequest layout;                       ///< user-fixed dense tensor / pipeline degrees
  std::optional<double> usd_per_accelerator_hour;  ///< sets cost.usd_per_accelerator_hour for both runs
  std::vector<std::string> overrides;              ///< KEY=VALUE applied to the scenario before both runs
  sim::SimulateOptions simulate;
};

/// Simulates the scenario, then the dense reference (dense_scenario()) with the first candidate layout of
/// dense_layout_candidates() whose weights and optimizer state fit in HBM, and returns make_comparison().
/// Throws ConfigError for bad input, and (key `--against-pipeline`) when no pipeline depth makes the dense
/// model fit.
nlohmann::json run_comparison(const std::string& scenario_path, const CompareOptions& options);

/// True for the simulation's "does not fit in HBM" error (key `parallelism`, sim/step/step_simulation.cpp).
bool is_memory_fit_error(const ConfigError& error);

}  // namespace moesim::reports
