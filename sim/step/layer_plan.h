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

/// Whether a forward and a backward of different micro-batches run as one merged step whose all-to-alls
/// hide behind each other's compute (simulation.overlap.ep_comm on an MoE model with expert parallelism).
bool merges_forward_backward(const workloads::RunSpec& run);

/// Forwards stage `stage` of the 1F1B schedule runs before its first backward: p - s - 1, or with merged
/// pairs on a pipeline 2(p - s - 1) + 1. Merged pairs need both inputs when they start and deliver both
/// outputs when they end; stage s pairs F(k + 2(p - s - 1) + 1) with B(k), so the pair's forward input comes
/// from a pair stage s - 1 finished one pair earlier and its gradient from one stage s + 1 finished one pair
/// earlier, and neighbouring stages work at the same time instead of taking turns. A stage holds one
/// micro-batch more than its warm-up in flight: p - s, or 2(p - s) with merged pairs. With virtual stages
/// the 1F1B value (p - s - 1) is returned: the interleaved order has its own warm-up (one chunk longer
/// with merged pairs).
int warmup_forwards(const workloads::RunSpec& run, int stage);

}  // namespace moesim::sim
