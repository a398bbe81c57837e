// moesim — the memory a layout needs per device, from the memory model alone: no step graph, no network.
#pragma once

#include <vector>

#include "sim/step/expert_load.h"
#include "sim/step/memory_model.h"
#include "workloads/accounting.h"
#include "workloads/run_spec.h"

namespace moesim::plan {

/// The routing draws simulate_step() makes for `run`: one per MoE layer up to 8, each over the tokens one
/// expert-parallel group routes per micro-batch and tensor rank (empty for a dense model).
std::vector<sim::ExpertLoad> routing_draws(const workloads::RunSpec& run,
                                           const workloads::ModelAccounting& accounting);

/// The memory model's inputs for the layout of `run`, as the step builder derives them: parameters per
/// device before ZeRO (dense ones over tensor × pipeline, experts also over the expert group), tokens per
/// micro-batch and data rank, and the most token copies any simulated device's experts receive under
/// `loads`.
sim::MemoryLayout memory_layout(const workloads::RunSpec& run, const workloads::ModelAccounting& accounting,
                                const std::vector<sim::ExpertLoad>& loads);

/// Bytes per device on the most loaded stage: sim::memory_per_device() of memory_layout() with
/// routing_draws(). Equal to StepResult::memory of simulate_step() for the same run, in microseconds
/// instead of a whole step simulation.
sim::MemoryBreakdown estimate_memory(const workloads::RunSpec& run,
                                     const workloads::ModelAccounting& accounting);

}  // namespace moesim::plan
