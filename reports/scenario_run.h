// moesim — a scenario file in, the `simulate` result out: the YAML and JSON edge of the step simulation.
#pragma once

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "sim/step/step_simulation.h"

namespace moesim::reports {

/// Reads the scenario in `root` (from `file`, for messages) strictly into a typed sim::Scenario: the run
/// spec, the cluster, and the checks that need both. Bad input throws ConfigError naming file, line, key.
sim::Scenario read_scenario(const YAML::Node& root, const std::string& file);

/// What one simulation gives the `simulate` command: the JSON contract (step_json.h) and, with
/// SimulateOptions::keep_timeline, the traced devices' ops for traces and reports.
struct SimulationOutput {
  nlohmann::json result;
  std::vector<sim::TimelineOp> timeline;
  double devices_per_simulated = 1;     ///< cluster devices each simulated device stands for
  std::vector<std::string> link_tiers;  ///< the topology's link tiers (TimelineOp::tier_busy_s)
};

/// Simulates one training step of the scenario in `root` (read from `file`, for messages).
SimulationOutput run_scenario(const YAML::Node& root, const std::string& file,
                              const sim::SimulateOptions& options);

/// Loads `path`, applies `overrides` (KEY=VALUE) and runs it (see run_scenario).
SimulationOutput run_scenario_file(const std::string& path, const std::vector<std::string>& overrides,
                                   const sim::SimulateOptions& options);

/// Simulates one training step of the scenario in `root` and returns the `simulate --json` result
/// (step_json.h) plus `resolved_scenario`: `root` as JSON (yaml_json.h), i.e. the inputs after any --set
/// overrides. With a `trace_path`, also writes the Chrome/Perfetto trace of the step there.
nlohmann::json simulate_scenario(const YAML::Node& root, const std::string& file,
                                 const sim::SimulateOptions& options, const std::string& trace_path = "");

/// Loads `path`, applies `overrides` (KEY=VALUE), simulates (see simulate_scenario).
nlohmann::json simulate_scenario_file(const std::string& path, const std::vector<std::string>& overrides,
                                      const sim::SimulateOptions& options,
                                      const std::string& trace_path = "");

/// Prints the human-readable summary of a simulate_scenario() result.
void print_simulation(std::ostream& out, const nlohmann::json& result);

}  // namespace moesim::reports
