// moesim — simulate one training step of a typed scenario.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/step/step_result.h"
#include "topologies/cluster_spec.h"
#include "workloads/key_lines.h"
#include "workloads/run_spec.h"

namespace moesim::network {
class NetworkBackend;
}
namespace moesim::topologies {
class Topology;
}

namespace moesim::sim {

class ComputeModel;
struct BuiltStep;
struct DemandPrice;

/// Prices the network demands of a built step (network_pricer.h's price_demands by default); a search
/// over layouts may answer demands it has seen before from a cache.
class DemandPricer {
 public:
  virtual ~DemandPricer() = default;
  virtual std::vector<DemandPrice> price(const BuiltStep& step, const workloads::RunSpec& run,
                                         const topologies::Topology& topology,
                                         network::NetworkBackend& backend) = 0;
};

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

/// Pieces of a cluster built once and shared by many simulations on it (a search over layouts). Each
/// pointer may be null, and simulate_step then builds that piece itself; the caller keeps them alive.
struct PrebuiltCluster {
  const topologies::Topology* topology = nullptr;  ///< the scenario's cluster (make_topology)
  /// The analytic backend on *topology that prices the demands, filling NetworkResult::link_bytes
  /// (BackendOptions::keep_link_bytes). The step itself runs on the engine `simulation.backend` (or
  /// SimulateOptions::backend) names.
  network::NetworkBackend* backend = nullptr;
  const ComputeModel* compute = nullptr;  ///< make_compute() of the scenario's accelerator
  DemandPricer* pricer = nullptr;         ///< null: price_demands()
};

/// simulate_step() on prebuilt pieces: the same result as building them from the scenario.
StepResult simulate_step(const Scenario& scenario, const SimulateOptions& options,
                         const PrebuiltCluster& prebuilt);

}  // namespace moesim::sim
