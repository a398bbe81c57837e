// moesim — the transformer layers of a model in order, and which of them are MoE layers.
#pragma once

#include <vector>

#include "workloads/accounting.h"

namespace moesim::sim {

/// One transformer layer in model order.
struct LayerPlan {
  workloads::Stack stack;
  bool moe;
};

/// Encoder layers first, then decoder layers; every moe_every-th FFN of a stack is an MoE layer.
std::vector<LayerPlan> layer_plan(const workloads::ModelSpec& model);

}  // namespace moesim::sim
