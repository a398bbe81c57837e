// moesim — one scenario: model, parallelism, training, simulation, energy and cost (all but `cluster`).
#pragma once

#include <cstdint>
#include <string>

#include "workloads/compute_spec.h"
#include "workloads/energy_spec.h"
#include "workloads/model_spec.h"
#include "workloads/parallelism_spec.h"
#include "workloads/simulation_spec.h"
#include "workloads/training_spec.h"
#include "workloads/yaml_reader.h"

namespace moesim::workloads {

/// Everything a scenario YAML says except the cluster (which topologies/ reads from the same root).
struct RunSpec {
  ModelSpec model;
  ParallelismSpec parallelism;
  TrainingSpec training;
  SimulationSpec simulation;
  EnergySpec energy;
  CostSpec cost;
  std::string name;     ///< top-level `name`, default: the file name without directory and extension
  std::string file;     ///< the scenario file (for messages)
  ComputeSpec compute;  ///< `compute:` (optional): how compute is modelled
};

/// Parses the scenario root: `name`, `model`, `parallelism`, `training`, `simulation`, `energy`, `cost`;
/// marks `cluster` as used (without reading it) and rejects any other key. Throws ConfigError naming file,
/// line and dotted key for every unknown key, wrong type, bad unit or out-of-range value, and for the checks
/// that need only the scenario itself (model consistency, batch divisible by sequence length, histogram
/// length).
RunSpec parse_run_spec(const YamlMap& root);

/// The checks that need the cluster's device count: data × tensor × pipeline == device_count, expert divides
/// data, experts divide over the expert group (or the group over the experts), heads over tensor, layers over
/// pipeline, batch over data × micro-batches, trace devices in range. Throws ConfigError naming the key
/// (`parallelism.data`, `parallelism.expert`, `training.global_batch_tokens`, ...) with its line in `root`.
void check_parallelism(const RunSpec& run, std::int64_t device_count, const YamlMap& root);

}  // namespace moesim::workloads
