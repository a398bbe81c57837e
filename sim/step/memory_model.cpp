#include "sim/step/memory_model.h"

#include <algorithm>
#include <cstdio>

#include "sim/step/layer_plan.h"

namespace moesim::sim {
namespace {

using workloads::Recompute;
using workloads::RecomputeModule;

/// NCCL's Simple-protocol buffer per connection (DEFAULT_BUFFSIZE = 4 MiB, NVIDIA/nccl src/init.cc), a send
/// and a receive connection per channel of a ring, and 16 channels assumed per communicator (NCCL runs 16 to
/// 32 on NVLink-connected Hopper nodes: reference collectives-and-compute.md §1.3).
constexpr double kNcclBufferBytesPerCommunicator = 4.0 * 1024 * 1024 * 2 * 16;

/// Korthikanti et al.'s per-layer coefficients assume 2-byte activations; fp32 activations double them,
/// fp8 recipes keep 16-bit activations between GEMMs (Transformer Engine), so they are counted as 2 bytes.
double activation_scale(workloads::Precision p) {
  return std::max(2.0, workloads::bytes_per_element(p)) / 2.0;
}

/// Bytes per element, with 16-bit activations (activation_scale scales them), of what backward keeps that
/// is not a 16-bit tensor.
///  - dropout: a 1-byte mask per dropout (Korthikanti et al. 2022 §4.1). Without dropout there is no mask and
///    the attention keeps only its softmax output (2as²b of the 5as²b): PyTorch's dropout returns its input
///    unchanged when p = 0, and models trained without dropout (Llama, Mixtral, Qwen3, DeepSeek) set p = 0.
///  - fp8 GEMMs: Transformer Engine's Linear, LayerNormLinear and GroupedLinear quantize their input and save
///    the FP8 copy for the weight gradient (transformer_engine/pytorch/module/linear.py, `saved_inputmat =
///    inputmat` after `input_quantizer`). A tensor only a GEMM reads is then kept in 1 byte; one that
///    another op also needs in 16 bits (the attention output, read by the attention's backward) gains a
///    1-byte copy. The router is not a TE module: an MoE layer's FFN input stays 16-bit.
struct SavedFormats {
  double mask = 1;       ///< per dropout, per element
  double gemm_in = 2;    ///< a tensor only a GEMM reads
  double gemm_copy = 0;  ///< the extra FP8 copy of a tensor another op keeps in 16 bits
};

SavedFormats saved_formats(const workloads::RunSpec& run) {
  SavedFormats f;
  f.mask = run.compute.dropout ? 1.0 : 0.0;
  if (run.training.fp8_matmuls()) f.gemm_in = 1, f.gemm_copy = 1;
  return f;
}

/// Bytes per element of the FFN's hidden layer: the first GEMM's output (two halves when gated), which the
/// activation's backward reads, and the activation's output, which only the second GEMM reads (bf16: 4 per
/// element, gated 6: Korthikanti's 16sbh for the 4h GeLU FFN).
double ffn_hidden_bytes(bool gated, const SavedFormats& f) {
  return 2.0 * (gated ? 2.0 : 1.0) + f.gemm_in;
}

/// The shape terms of one micro-batch on one device.
struct Shape {
  double s = 0, b = 0, h = 0, a = 0, t = 1;
  double sbh() const { return s * b * h; }
  /// softmax output 2as²b, with dropout its mask as²b and output 2as²b (Korthikanti et al. 2022 §4.1)
  double attention_core(bool dropout) const { return (dropout ? 5.0 : 2.0) * a * s * s * b; }
  double softmax_statistics() const { return 4.0 * a * s * b; }  // a fused kernel's fp32 logsumexp
};

/// The shared experts' hidden activations, like a dense FFN's (4sbf, GLU 6sbf), split over tensor ranks.
double shared_expert_bytes(const workloads::ModelSpec& m, const Shape& x, const SavedFormats& f) {
  const double hidden = ffn_hidden_bytes(m.expert_gated, f);
  return x.s * x.b * static_cast<double>(m.shared_experts * m.shared_d_ff()) * hidden / x.t;
}

/// An LSTM layer stores per token its input (d), the four gates' activations (4n), the cell state and its
/// tanh (2n), the output before the projection (n) and the projection's (p), plus the residual's dropout
/// mask and input (2d), in 2-byte units as Korthikanti et al.'s coefficients; its MoE, as a Transformer's.
double lstm_activation_bytes(const workloads::RunSpec& run, const LayerPlan& lp, const Shape& x,
                             const MemoryLayout& layout) {
  const auto& m = run.model;
  const double n = static_cast<double>(m.lstm_units), p = static_cast<double>(m.lstm_projection);
  double bytes = 2.0 * x.s * x.b * (3 * x.h + 7 * n + p);
  if (!lp.moe) return bytes;
  // Selective recomputation of an LSTM-MoE recomputes the experts' hidden layers in backward instead of
  // storing them (Shazeer et al. 2017 App. D, "Memory Optimizations").
  const bool hidden = run.training.recompute != Recompute::kSelective;
  const double etp = static_cast<double>(run.parallelism.expert_tensor_degree());
  const double per_copy = (hidden ? 4.0 * static_cast<double>(m.expert_d_ff) / etp : 0.0) + 2.0 * x.h;
  return bytes + layout.expert_copies_per_microbatch * per_copy;
}

/// The widths of the tensors attention stores, per token. Korthikanti's 8sbh is Q, K, V and the output
/// projection's input at h each (2 bytes); their real widths are heads x head size: grouped-query K and V
/// have n_kv_heads heads, multi-head latent attention materialises every head's K (non-RoPE + RoPE part)
/// and V from its latents and also stores the latents its up-projections read (DeepSeek-V2 §2.1).
struct AttentionWidths {
  double split = 0;       ///< Q + K + V + output-projection input, split over the tensor ranks
  double replicated = 0;  ///< MLA's query and key/value latents (and the shared RoPE key)
};

AttentionWidths attention_widths(const workloads::ModelSpec& m, bool recompute_up_projections) {
  const auto a = static_cast<double>(m.n_heads);
  const auto qk = static_cast<double>(m.qk_head_dim()), v = static_cast<double>(m.value_head_dim());
  // Recomputed up-projections (mla_up_proj) free the heads' Q, K and V; the output projection's input stays.
  if (m.is_mla())
    return {recompute_up_projections ? a * v : a * (2 * qk + 2 * v),
            static_cast<double>(m.q_lora_rank + m.kv_lora_rank + m.qk_rope_head_dim)};
  const auto kv = static_cast<double>(m.kv_heads());
  return {a * qk + kv * qk + kv * v + a * v, 0.0};
}

/// Bytes one layer stores for backward, for one micro-batch.
double layer_activation_bytes(const workloads::RunSpec& run, const LayerPlan& lp, const Shape& x,
                              const MemoryLayout& layout) {
  const auto& m = run.model;
  if (m.is_lstm()) return lstm_activation_bytes(run, lp, x, layout);
  const SavedFormats f = saved_formats(run);
  const bool cross = lp.stack == workloads::Stack::kDecoder && m.encoder_decoder;
  // Selective recomputation drops the attention core (a layer being fully recomputed stores it too), and a
  // fused kernel never stores it: FlashAttention keeps the output and one fp32 softmax statistic per row and
  // head (the logsumexp), and recomputes the scores in backward (Dao et al. 2022 §3.1).
  const bool fused = run.compute.attention == workloads::AttentionKernel::kFused;
  const auto& tr = run.training;
  const bool keep_core = !tr.recomputes(RecomputeModule::kCoreAttn) && !fused;
  const double core = keep_core ? x.attention_core(run.compute.dropout)
                      : fused   ? x.softmax_statistics()
                                : 0.0;
  // Korthikanti's 34sbh + 5as²b with dropout and 16-bit GEMM inputs. Not split over the tensor ranks unless
  // the sequence is (sequence parallelism): the two norms' inputs (4sbh), the attention's and the FFN's
  // inputs (2sbh each) and the two dropout masks (sbh each). Split: Q, K, V and the output projection's
  // input (8sbh when heads x head size = h), the core (5as²b) and the FFN's hidden activations.
  const double replicated = run.parallelism.sequence_parallel ? 1.0 / x.t : 1.0;
  const AttentionWidths w = attention_widths(m, tr.recomputes(RecomputeModule::kMlaUpProj));
  const double sb = x.s * x.b;
  // Recomputed norms (recompute_modules layernorm) keep no 16-bit output: an MoE layer's pre-FFN norm and
  // an MLA layer's input norm; the FP8 copies their GEMMs saved stay. A norm fused into the GEMM after it
  // (Transformer Engine's LayerNormLinear: dense attention and FFN) is not a module of its own.
  const bool norms = tr.recomputes(RecomputeModule::kLayernorm);
  const double attn_in = norms && m.is_mla() && f.gemm_in == 2.0 ? 0.0 : f.gemm_in;
  // The FFN's input of an MoE layer is also the router's, which keeps it in 16 bits; a shared expert's
  // GEMMs then take their own FP8 copy (not kept when the shared experts are recomputed from their input).
  // A checkpointed dense FFN (mlp) keeps only the layer's residual stream, its fused norm's output not.
  const bool shared_copy = m.shared_experts > 0 && !tr.recomputes(RecomputeModule::kSharedExperts) &&
                           !tr.recomputes(RecomputeModule::kMoe);
  const double dense_in = tr.recomputes(RecomputeModule::kMlp) ? 0.0 : f.gemm_in;
  const double ffn_in = lp.moe ? (norms ? 0.0 : 2.0) + (shared_copy ? f.gemm_copy : 0.0) : dense_in;
  const double unsplit = 4.0 + attn_in + ffn_in + 2.0 * f.mask;
  const double output_copy = sb * static_cast<double>(m.n_heads * m.value_head_dim()) * f.gemm_copy;
  const double qkvo = 2 * sb * w.split + output_copy, latents = 2 * sb * w.replicated * replicated;
  double bytes = unsplit * x.sbh() * replicated + latents + (qkvo + core) / x.t;
  if (cross)  // one more norm (2sbh), attention input and mask, and attention block (split as above)
    bytes += (2.0 + f.gemm_in + f.mask) * x.sbh() * replicated + latents + (qkvo + core) / x.t;
  if (!lp.moe) {
    if (tr.recomputes(RecomputeModule::kMlp)) return bytes;
    return bytes + x.s * x.b * static_cast<double>(m.d_ff) * ffn_hidden_bytes(m.ffn_gated, f) / x.t;
  }
  // A checkpointed MoE layer (moe) keeps only its input.
  if (tr.recomputes(RecomputeModule::kMoe)) return bytes;
  // Each expert's hidden layer is split over the expert-tensor group, whose gathered copies it computes; a
  // copy's input (the dispatched token) is read only by the expert's first GEMM. A recomputed activation
  // (moe_act) frees its 16-bit output, the second GEMM's input; with FP8 GEMMs that GEMM keeps its own
  // 1-byte copy, which stays.
  SavedFormats hidden = f;
  if (tr.recomputes(RecomputeModule::kMoeAct) && f.gemm_in == 2.0) hidden.gemm_in = 0.0;
  const double etp = static_cast<double>(run.parallelism.expert_tensor_degree());
  const double per_copy =
      static_cast<double>(m.expert_d_ff) / etp * ffn_hidden_bytes(m.expert_gated, hidden) + f.gemm_in * x.h;
  const double router_logits = 4.0 * x.s * x.b * static_cast<double>(m.experts) / x.t;  // fp32
  const double shared = tr.recomputes(RecomputeModule::kSharedExperts) ? 0.0 : shared_expert_bytes(m, x, f);
  return bytes + layout.expert_copies_per_microbatch * per_copy + router_logits + shared;
}

double activations_bytes(const workloads::RunSpec& run, const workloads::ModelAccounting& accounting,
                         const MemoryLayout& layout) {
  const auto& m = run.model;
  const auto& p = run.parallelism;
  Shape x;
  x.s = static_cast<double>(run.training.sequence_length);
  x.b = layout.tokens_per_microbatch / x.s;
  x.h = static_cast<double>(m.d_model);
  x.a = static_cast<double>(m.n_heads);
  x.t = static_cast<double>(p.tensor);
  const auto layers = layer_plan(m);
  const auto first = pipeline_boundaries(run, accounting);
  const auto stages = static_cast<int>(p.pipeline);
  const auto chunks = static_cast<int>(p.virtual_stages);
  const int last_layer = first.back() - 1;
  // With sequence parallelism every tensor rank holds 1/t of what lies between the tensor-parallel regions.
  const double sp_share = run.parallelism.sequence_parallel ? 1.0 / x.t : 1.0;
  const double input = 2 * x.sbh() * sp_share;  // a layer's 16-bit input, all full recompute keeps
  double worst = 0;
  for (int stage = 0; stage < stages; ++stage) {
    double one_mb = 0, largest_layer = 0;
    bool holds_last = false;
    for (int c = 0; c < chunks; ++c) {
      const auto vs = static_cast<std::size_t>(c * stages + stage);
      for (int l = first[vs]; l < first[vs + 1]; ++l) {
        const double bytes = layer_activation_bytes(run, layers[static_cast<std::size_t>(l)], x, layout);
        largest_layer = std::max(largest_layer, bytes);
        one_mb += run.training.recompute == Recompute::kFull ? input : bytes;
        holds_last = holds_last || l == last_layer;
      }
    }
    // Embedding dropout mask (1 byte per element); with sequence parallelism Megatron-Core scatters the
    // embeddings over the tensor ranks before the dropout (LanguageModelEmbedding), so each holds 1/t.
    if (stage == 0) one_mb += x.sbh() * sp_share * saved_formats(run).mask;
    // 1F1B keeps min(m, p - s) micro-batches in flight on stage s; the interleaved schedule holds
    // 1 + (p - 1)/(p v) times more on the first stage (Narayanan et al. 2021 §2.2.2; Megatron-LM
    // theoretical_memory_usage.py).
    // Merged forward-backward pairs warm up with more forwards (layer_plan.h, warmup_forwards).
    double in_flight =
        static_cast<double>(std::min<std::int64_t>(p.micro_batches, warmup_forwards(run, stage) + 1));
    if (chunks > 1) in_flight *= 1.0 + (stages - 1.0) / (static_cast<double>(stages) * chunks);
    // Interleaved merged pairs warm up with one chunk more (Builder::interleaved_warmup).
    if (chunks > 1 && merges_forward_backward(run)) in_flight += 1.0 / chunks;
    double stage_bytes = one_mb * in_flight * activation_scale(run.training.precision);
    if (run.training.recompute == Recompute::kFull)  // the layer being recomputed
      stage_bytes += largest_layer * activation_scale(run.training.precision);
    if (holds_last) {  // logits (fp32) and the output projection's input: 4sbh(1 + V/h)/t
      // An importance-sampled softmax has logits for its samples and the target only.
      const double classes =
          m.softmax_samples > 0 ? static_cast<double>(m.softmax_samples + 1) : static_cast<double>(m.vocab);
      // fp32 logits whatever the training precision: not scaled with it.
      stage_bytes += 4 * x.sbh() * (1 + classes / x.h) / x.t;
    }
    worst = std::max(worst, stage_bytes);
  }
  return worst;
}

double buffers_bytes(const workloads::RunSpec& run, const MemoryLayout& layout, double largest_layer_params) {
  const auto& p = run.parallelism;
  const auto& m = run.model;
  const double act = std::max(2.0, workloads::bytes_per_element(run.training.precision));
  double bytes = 0;
  if (m.is_moe()) {  // dispatch send + receive, reused by the combine and by every MoE layer
    const double copies = static_cast<double>(m.hierarchical_gating ? m.group_top_k : m.top_k);
    const double sent = layout.tokens_per_microbatch / static_cast<double>(p.tensor) * copies;
    bytes += (sent + layout.expert_copies_per_microbatch) * static_cast<double>(m.d_model) * act;
  }
  int communicators = 0;
  for (auto degree : {p.tensor, p.expert, p.data, p.pipeline}) communicators += degree > 1 ? 1 : 0;
  if (p.expert_tensor_degree() > 1 && p.expert_tensor_degree() != p.tensor) ++communicators;
  bytes += communicators * kNcclBufferBytesPerCommunicator;
  if (p.zero >= 3)  // the gathered weights of the layer computed now and of the one prefetched
    bytes +=
        2 * largest_layer_params * param_state_bytes(run.training.optimizer, run.training.precision).weights;
  return bytes;
}

}  // namespace

ParamStateBytes param_state_bytes(workloads::Optimizer optimizer, workloads::Precision precision) {
  if (optimizer == workloads::Optimizer::kAdafactor) return {4, 4, 0};
  if (precision == workloads::Precision::kFp32) return {4, 4, 8};
  return {2, 4, 12};
}

MemoryBreakdown memory_per_device(const workloads::RunSpec& run, const workloads::ModelAccounting& accounting,
                                  const MemoryLayout& layout) {
  const auto& p = run.parallelism;
  const auto per_param = param_state_bytes(run.training.optimizer, run.training.precision);
  const double dense_replicas = static_cast<double>(p.data);
  const double expert_replicas = static_cast<double>(p.expert_data());
  auto sharded = [&](double bytes_per_param, int from_stage) {
    const double d = p.zero >= from_stage ? dense_replicas : 1.0;
    const double e = p.zero >= from_stage ? expert_replicas : 1.0;
    return bytes_per_param * (layout.dense_params_per_device / d + layout.expert_params_per_device / e);
  };
  MemoryBreakdown out;
  out.weights_bytes = sharded(per_param.weights, 3);
  out.gradients_bytes = sharded(per_param.gradients, 2);
  out.optimizer_state_bytes = sharded(per_param.optimizer, 1);
  out.activations_bytes = activations_bytes(run, accounting, layout);
  double largest_layer = 0;
  for (const auto& l : accounting.layers) {
    if (l.kind == workloads::LayerKind::kEmbedding || l.kind == workloads::LayerKind::kLogits) continue;
    const bool experts = l.kind == workloads::LayerKind::kMoeFfn;
    // ZeRO-3 gathers only what it shards: experts with one replica (expert degree = data) stay whole.
    if (experts && expert_replicas <= 1) continue;
    const double split =
        experts ? static_cast<double>(p.expert * p.expert_tensor_degree()) : static_cast<double>(p.tensor);
    largest_layer = std::max(largest_layer, static_cast<double>(l.params) / split);
  }
  out.buffers_bytes = buffers_bytes(run, layout, largest_layer);
  return out;
}

std::string describe(const MemoryBreakdown& m) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "weights %.1f GB, gradients %.1f GB, optimizer state %.1f GB, activations %.1f GB, buffers "
                "%.1f GB, total %.1f GB",
                m.weights_bytes / 1e9, m.gradients_bytes / 1e9, m.optimizer_state_bytes / 1e9,
                m.activations_bytes / 1e9, m.buffers_bytes / 1e9, m.total_bytes() / 1e9);
  return buf;
}

}  // namespace moesim::sim
