// moesim — what the step's memory model needs from a scenario's layout, and the routing draws it rests on.
#pragma once

#include <vector>

#include "sim/step/expert_load.h"
#include "sim/step/memory_model.h"
#include "workloads/accounting.h"
#include "workloads/run_spec.h"

namespace moesim::sim {

/// The routing distribution the scenario's `simulation.routing` says.
RoutingDistribution routing_of(const workloads::RunSpec& run);

/// The routing draws of a step: one per MoE layer up to 8 (reused cyclically, each priced once on the
/// network), each over the tokens one expert-parallel group routes per micro-batch and tensor rank; empty
/// for a dense model.
/// `devices_per_node` places the experts on nodes for node-limited routing.
std::vector<ExpertLoad> routing_draws(const workloads::RunSpec& run,
                                      const workloads::ModelAccounting& accounting, int devices_per_node);

/// The memory model's inputs for the layout of `run`: parameters per device before ZeRO (dense ones over
/// tensor × pipeline, experts also over the expert group), tokens per micro-batch and data rank, and the
/// most token copies any simulated device's experts receive under `loads`.
MemoryLayout memory_layout(const workloads::RunSpec& run, const workloads::ModelAccounting& accounting,
                           const std::vector<ExpertLoad>& loads);

}  // namespace moesim::sim
