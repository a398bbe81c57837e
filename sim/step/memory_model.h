// moesim — what one device holds in HBM during a training step.
#pragma once

#include <string>

#include "workloads/accounting.h"
#include "workloads/run_spec.h"

namespace moesim::sim {

/// Bytes per device, by what they hold, on the most loaded pipeline stage.
struct MemoryBreakdown {
  double weights_bytes = 0;
  double gradients_bytes = 0;
  double optimizer_state_bytes = 0;
  double activations_bytes = 0;  ///< stored for backward, all micro-batches in flight
  double buffers_bytes = 0;      ///< all-to-all send/receive buffers and collective-library buffers
  double total_bytes() const {
    return weights_bytes + gradients_bytes + optimizer_state_bytes + activations_bytes + buffers_bytes;
  }
  /// Weights + gradients + optimizer state (the parameter state).
  double param_state_bytes() const { return weights_bytes + gradients_bytes + optimizer_state_bytes; }
};

/// What the memory model needs from the step's layout beyond the scenario.
struct MemoryLayout {
  double dense_params_per_device = 0;   ///< non-expert parameters one device holds before ZeRO sharding
  double expert_params_per_device = 0;  ///< expert parameters one device holds before ZeRO sharding
  double tokens_per_microbatch = 0;     ///< per data-parallel rank (all tensor ranks together)
  /// Token copies the busiest device's experts receive per MoE layer and micro-batch (routed or padded).
  double expert_copies_per_microbatch = 0;
};

/// Bytes per parameter of each kind of parameter state, by optimizer and precision:
///  - Adam with 16-bit training (Megatron-LM `theoretical_memory_usage.py`, "18 bytes per parameter"):
///    2-byte weights, 4-byte fp32 gradient accumulators (Megatron's default for bf16), 12 bytes of fp32
///    master weights and two moments (Rajbhandari et al. 2020 §3.1: K = 12);
///  - Adam in fp32: 4-byte weights and gradients, 8 bytes of moments (no separate master copy);
///  - Adafactor as T5/GLaM ran it (Shazeer & Stern 2018; beta1 = 0, factored second moment): fp32 weights
///    and gradients, and a second moment of rows + columns per matrix, negligible (counted as 0).
struct ParamStateBytes {
  double weights = 0, gradients = 0, optimizer = 0;
};
ParamStateBytes param_state_bytes(workloads::Optimizer optimizer, workloads::Precision precision);

/// Per-device memory of the scenario's step. Parameter state follows the ZeRO stage: optimizer state
/// (stage >= 1), gradients (>= 2) and weights (3) are split over the data-parallel replicas of each
/// parameter (dense parameters over `data`, experts over data / expert); with stage 3 one layer's weights
/// are gathered at a time (a prefetch buffer of two layers is counted under buffers). Activations follow
/// Korthikanti et al. 2022 (arXiv 2205.05198) §4, per layer and micro-batch with 16-bit activations, s the
/// sequence, b the micro-batch in sequences, h = d_model, a heads, t the tensor degree:
///  attention 11sbh + 5as²b (its 8sbh of Q, K, V and output-projection input at their real widths: GQA,
///  MLA), two norms 4sbh, FFN 3sbh + 4sbf (19sbh at f = 4h; GLU: 6sbf), with tensor
///  parallelism everything but 10sbh divided by t; selective recompute drops the 5as²b attention core, and a
///  fused (FlashAttention) kernel stores 4asb of fp32 softmax statistics in its place; full recompute keeps
///  only the 2sbh layer input (plus one layer's activations while it is recomputed). An MoE layer replaces
///  4sbf by the expert activations of the copies its device receives (4·f_e·copies and the 2·h·copies
///  permuted input). With 1F1B the first stage holds min(p, m) micro-batches in flight (Narayanan et al. 2021
///  §2.2), the last stage the logits (4sbh(1 + V/h)/t, Megatron).
MemoryBreakdown memory_per_device(const workloads::RunSpec& run, const workloads::ModelAccounting& accounting,
                                  const MemoryLayout& layout);

/// "weights 12.1 GB, gradients ..., total 84.3 GB" for error messages.
std::string describe(const MemoryBreakdown& memory);

}  // namespace moesim::sim
