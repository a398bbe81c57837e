// moesim — the transformer layers of a model in order, and which of them are MoE layers.
#pragma once

#include <vector>

#include "workloads/accounting.h"
#include "workloads/run_spec.h"

namespace moesim::sim {

/// One layer in model order: a Transformer layer (attention + FFN) or an LSTM layer (+ its MoE, if any).
struct LayerPlan {
  workloads::Stack stack;
  bool moe;          ///< the FFN is an MoE layer (an LSTM layer without it has no FFN)
  bool mtp = false;  ///< a multi-token-prediction module: projection, one layer, and the output head
};

/// Encoder layers first, then decoder layers (ModelSpec::is_moe_layer says which are MoE), then the
/// multi-token-prediction modules, each shaped like the model's last layer.
std::vector<LayerPlan> layer_plan(const workloads::ModelSpec& model);

}  // namespace moesim::sim

namespace moesim::sim {

/// Where the pipeline cuts the layers: `first[k]` is the first layer of virtual stage k (k = chunk · p +
/// stage, p·v of them in pipeline order), followed by the layer count. Layers split evenly, as the scenario
/// gives them (parallelism.stage_layers), or, with `stage_layers: auto`, contiguously so that the largest
/// stage's forward FLOPs per token, the logits included on the last stage, is as small as possible (the
/// linear partition problem, solved exactly by dynamic programming).
std::vector<int> pipeline_boundaries(const workloads::RunSpec& run,
                                     const workloads::ModelAccounting& accounting);

}  // namespace moesim::sim
