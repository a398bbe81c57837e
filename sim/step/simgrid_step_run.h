// moesim — the step graph run as one SimGrid simulation (`--backend ptask|flow`).
#pragma once

#include "sim/network/network_backend.h"
#include "sim/step/step_builder.h"
#include "sim/step/step_scheduler.h"

namespace moesim::sim {

/// Runs `step` on SimGrid (network/step_dag.h): one DAG task per compute op and one per collective, stream
/// order and explicit dependencies as DAG edges, each collective with the transfer schedules of its demand
/// on the full cluster. Returns the ops' start and end times like schedule_step does, contention between
/// concurrent collectives coming from SimGrid's link sharing instead of moesim's.
Schedule schedule_step_on_simgrid(const BuiltStep& step, const workloads::RunSpec& run,
                                  const topologies::Topology& topology, network::BackendKind kind);

}  // namespace moesim::sim
