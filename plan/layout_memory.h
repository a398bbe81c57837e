// moesim — the memory a layout needs per device, from the memory model alone: no step graph, no network.
#pragma once

#include <vector>

#include "sim/step/expert_load.h"
#include "sim/step/memory_model.h"
#include "workloads/accounting.h"
#include "workloads/run_spec.h"

namespace moesim::plan {

/// Bytes per device on the most loaded stage: sim::memory_per_device() of sim::memory_layout() with
/// sim::routing_draws(). Equal to StepResult::memory of simulate_step() for the same run, in microseconds
/// instead of a whole step simulation.
/// `devices_per_node` is the cluster's, as the step's routing draws use it.
sim::MemoryBreakdown estimate_memory(const workloads::RunSpec& run,
                                     const workloads::ModelAccounting& accounting, int devices_per_node);

}  // namespace moesim::plan
