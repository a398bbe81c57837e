// moesim — simulate one training step of a typed scenario.
#pragma once

#include <optional>
#include <string>

#include "sim/step/step_result.h"
#include "topologies/cluster_spec.h"
#include "workloads/key_lines.h"
#include "workloads/run_spec.h"

namespace moesim::sim {

/// A scenario as the simulation takes it: everything the YAML said, typed and checked.
struct Scenario {
  workloads::RunSpec run;
  topologies::ClusterSpec cluster;
  workloads::KeyLines lines;  ///< where each key stands in the scenario file, for errors found later
};

/// Options of one simulation that are not part of the scenario.
struct SimulateOptions {
  std::optional<std::string> backend;  ///< overrides `simulation.backend` (analytic | ptask | flow)
  bool progress = false;               ///< progress messages on stderr
  /// Keep the timeline of the scenario's `simulation.trace_devices` (the first 8 simulated devices when it
  /// names none) in StepResult::timeline.
  bool keep_timeline = false;
  std::string profile_path;  ///< measured profile DB overriding compute.profile ("" = none)
};

/// Simulates one training step: the model's accounting, routing draws, the op graph on representative
/// devices, every collective priced on the full cluster, the discrete-event run with streams and link
/// sharing, energy, and the totals of the run. Bad input (a layout that does not fit in memory, an unknown
/// backend) throws ConfigError naming the key.
StepResult simulate_step(const Scenario& scenario, const SimulateOptions& options);

}  // namespace moesim::sim
