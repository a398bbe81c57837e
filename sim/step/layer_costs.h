// moesim — every compute kernel a Transformer layer runs, per device and micro-batch, forward or backward:
// the matrix products (by shape), attention (unfused batched products + softmax, or one fused kernel), the
// memory-bound kernels with the bytes they move (norms, activations, dropout, residual adds, the MoE
// permutations, cross-entropy, the embedding lookup, the optimizer update), and the measured MoE kernels.
//
// Kernel list and bytes (a = bytes per activation element, T tokens of the device, d = d_model,
// f = d_ff / tensor ranks, dropout only when compute.dropout is on):
//   pre-norm (LayerNorm / RMSNorm): read + write T·d (backward: read x and dy, write dx: 3 T·d)
//   activation (GeLU; GLU reads two inputs): read g·T·f, write T·f (backward: read g·T·f + T·f, write g·T·f)
//   dropout + residual add: read 2 T·d, write T·d, mask T·d bytes (backward: dropout only, read dy + mask,
//     write dx)
//   unfused attention: scores and probabilities materialised per head: softmax read + write s² per row
//     (backward read p, dp, write ds: 3 s²), dropout on the probabilities read + write + mask
//   fused attention: FlashAttention FLOPs, 4·s²·d_head per head and sequence forward, halved when causal,
//     backward 2.5 x forward (Dao-AILab/flash-attention benchmarks/benchmark_flash_attention.py), at the
//     chip's measured FlashAttention throughput
//   cross-entropy over the vocabulary shard: forward read + write the logits, backward read + write
//   embedding lookup: read + write T·d rows (backward scatter-add: 3 T·d)
//   einsum dispatch / combine (compute.einsum_dispatch_group = S tokens per group, E experts, capacity C =
//     cf·k·S/E): dispatch [E·C, S]·[S, M], combine [S, E·C]·[E·C, M] per group (GShard Algorithm 2's
//     einsums "GSEC,GSM->EGCM" and "GSEC,GECM->GSM"); the one-hot dispatch and fp32 combine tensors of
//     S·E·C elements are written forward and read backward; backward: the dispatch's input gradient and
//     the combine's two gradients (expert outputs, gates)
// Backward GEMMs are the data-gradient (dX = dY·Wᵀ) and weight-gradient (dW = Xᵀ·dY) products, each priced
// by its own shape; selective recomputation adds the attention core's forward (full recomputation is a
// forward pass of its own in the step builder). Model FLOPs follow the accounting
// (workloads/accounting.h): backward = 2 x forward, recomputation not counted.
#pragma once

#include "sim/step/compute_model.h"
#include "workloads/accounting.h"
#include "workloads/run_spec.h"

namespace moesim::sim {

/// What one block of a layer costs on one device for one micro-batch.
struct BlockCost {
  KernelTime time;   ///< kernel time and its memory-bound / measured / per-family shares
  double flops = 0;  ///< model FLOPs (accounting convention)
};

/// The compute of every block of the step's layers for one scenario (see the file comment).
class LayerCosts {
 public:
  /// `tokens` = tokens per micro-batch on one data-parallel rank; `tensor` = tensor-parallel degree.
  LayerCosts(const workloads::RunSpec& run, const workloads::ModelAccounting& accounting,
             const ComputeModel& compute, double tokens, int tensor);

  /// Self-attention (kAttention) or cross-attention (kCrossAttention) of a layer in `stack`, with its
  /// pre-norm and its dropout + residual add.
  BlockCost attention(workloads::LayerKind kind, workloads::Stack stack, bool backward) const;
  /// A dense FFN block (pre-norm, up, activation, down, dropout + residual).
  BlockCost dense_ffn(workloads::Stack stack, bool backward) const;
  /// MoE: pre-norm, router GEMM and gating on the `routed` tokens of this device.
  BlockCost moe_gate(double routed, bool backward) const;
  /// MoE: the dispatch permutation of the `routed` tokens (backward: its gradient, a gather-sum).
  BlockCost moe_dispatch(double routed, int local_experts, bool backward) const;
  /// MoE: the local experts' FFN on the `copies` token copies this device computes (with expert tensor
  /// parallelism, those its expert-tensor group received, on this rank's slice of d_ff).
  BlockCost moe_experts(double copies, int local_experts, bool backward) const;
  /// MoE: the combine (weighted sum of each token's k expert outputs) and the dropout + residual add.
  BlockCost moe_combine(double routed, int local_experts, bool backward) const;
  /// MoE: the shared experts on every token of this device (split over the tensor ranks like a dense FFN).
  BlockCost shared_experts(workloads::Stack stack, bool backward) const;
  /// One LSTM layer over the micro-batch: the input products of all time steps at once, then the
  /// sequence_length recurrent steps one after the other (recurrent product, gate nonlinearities, the
  /// projection), and the dropout + residual add (layer_costs_lstm.cpp).
  BlockCost lstm(bool backward) const;
  /// A multi-token-prediction module's input: the shifted tokens' embedding lookup, two norms and the
  /// 2·d_model -> d_model projection (DeepSeek-V3 §2.2).
  BlockCost mtp_projection(bool backward) const;
  /// Final norm, output projection over this rank's vocabulary shard, cross-entropy.
  BlockCost logits(bool backward) const;
  /// Token embedding lookup (and its dropout).
  BlockCost embedding(bool backward) const;
  /// Optimizer update streaming `bytes` of parameters and state.
  BlockCost optimizer(double bytes) const;

 private:
  KernelTime norm(bool backward) const;
  KernelTime dropout_residual(bool backward) const;
  KernelTime linear(double m, double n, double k, bool backward) const;
  KernelTime attention_core(bool causal, bool backward) const;
  KernelTime attention_projections(bool backward) const;
  KernelTime attention_output(bool backward) const;
  KernelTime mla_up_projections(bool backward) const;  ///< MLA's query and key/value up-projections
  bool recomputes_expert_activation() const;           ///< moe_act named and not within a recomputed moe
  bool recomputes_shared_experts() const;              ///< shared_experts named and not within moe
  kernels::KernelShape moe_shape(double tokens, int experts) const;
  KernelTime einsum_dispatch(double routed, bool combine, bool backward) const;
  double block_flops(workloads::LayerKind kind, workloads::Stack stack) const;
  BlockCost with_recompute(KernelTime backward, KernelTime forward, double flops) const;

  const workloads::RunSpec& run_;
  const workloads::ModelAccounting& acc_;
  const ComputeModel& c_;
  const workloads::ModelSpec& m_;
  double tokens_ = 0;
  int tp_ = 1;
  int etp_ = 1;   ///< expert tensor-parallel degree: each expert's d_ff is split this many ways
  double a_ = 2;  ///< activation bytes
};

}  // namespace moesim::sim
