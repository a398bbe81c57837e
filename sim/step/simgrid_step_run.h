// moesim — the step graph run as one SimGrid simulation (`--backend ptask|flow`).
#pragma once

#include <optional>

#include "sim/network/network_backend.h"
#include "sim/step/energy_model.h"
#include "sim/step/power_setup.h"
#include "sim/step/step_builder.h"
#include "sim/step/step_scheduler.h"

namespace moesim::sim {

/// Runs `step` on SimGrid (network/step_dag.h): one DAG task per compute op and one per collective, stream
/// order and explicit dependencies as DAG edges, each collective with the transfer schedules of its demand
/// on the full cluster. Returns the ops' start and end times like schedule_step does, contention between
/// concurrent collectives coming from SimGrid's link sharing instead of moesim's. With `power` (an activity
/// model) and `energy`, SimGrid's host and link energy plugins also integrate the step's power
/// (sim/network/simgrid_energy.h); `energy` receives their joules over the whole cluster.
Schedule schedule_step_on_simgrid(const BuiltStep& step, const workloads::RunSpec& run,
                                  const topologies::Topology& topology, network::BackendKind kind,
                                  const PowerSetup* power = nullptr,
                                  std::optional<PluginEnergy>* energy = nullptr);

}  // namespace moesim::sim
