// moesim — parameter, FLOP and all-to-all byte accounting for one model.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "workloads/model_spec.h"
#include "workloads/training_spec.h"

namespace moesim::workloads {

/// One kind of layer (sub-block) of a Transformer.
enum class LayerKind {
  kEmbedding,       ///< input token embedding (+ learned position table): parameters, no FLOPs (a lookup)
  kAttention,       ///< self-attention: Q, K, V, O projections + score/value products
  kCrossAttention,  ///< decoder cross-attention of encoder-decoder models
  kDenseFfn,        ///< dense feed-forward block
  kMoeFfn,          ///< MoE feed-forward block (all experts' parameters; top_k experts' FLOPs); with
                    ///< hierarchical gating also the secondary gates, which live with their groups' experts
  kRouter,          ///< MoE gating projection d_model × experts (noisy top-k: and the noise matrix)
  kLogits,          ///< output projection to the vocabulary (no parameters of its own when tied)
  kSharedExperts,   ///< the always-active shared experts of an MoE layer (all of them together)
  kLstm,            ///< one LSTM layer: four gates over [input, recurrent state], and its projection
  kMtpProjection,   ///< a multi-token-prediction module's projection of [norm(h), norm(embedding)]
};
/// Which stack a layer belongs to (decoder-only models have only kDecoder; embeddings have kNone).
enum class Stack { kNone, kEncoder, kDecoder };

std::string_view to_string(LayerKind kind);
std::string_view to_string(Stack stack);

/// What `count` identical layers of one kind in one stack cost. All "per layer" values are for ONE layer and
/// ONE token; multiply by `count` for the stack.
struct LayerCost {
  LayerKind kind = LayerKind::kAttention;
  Stack stack = Stack::kNone;
  std::int64_t count = 0;                    ///< number of such layers
  std::int64_t params = 0;                   ///< parameters held, per layer
  std::int64_t params_activated = 0;         ///< parameters one token uses, per layer
  double flops_fwd_matmul_per_token = 0;     ///< forward matrix-product FLOPs, per layer (2 per MAC)
  double flops_fwd_attention_per_token = 0;  ///< forward score (QKᵀ) + value (AV) FLOPs, per layer
  double a2a_bytes_per_token = 0;            ///< forward dispatch + combine bytes, per MoE layer
  bool mtp = false;  ///< part of the multi-token-prediction modules (not of params_total / activated)
};

/// Inputs of the accounting that are not part of the model's shape.
struct AccountingOptions {
  std::int64_t sequence_length = 0;  ///< tokens per sequence (attention span), > 0
  double dtype_bytes = 2;            ///< bytes per activation element sent in the all-to-alls (bf16 = 2)
  /// Bytes per element of the dispatch's payload when it differs (an FP8 dispatch); 0: dtype_bytes.
  double dispatch_dtype_bytes = 0;
};

/// The options of a training run: its sequence length, activation and dispatch formats.
AccountingOptions accounting_options(const TrainingSpec& training);

/// Parameter, FLOP and communication totals of one model (Kaplan et al. 2020 / Narayanan et al. 2021 style).
///
/// Conventions (stated once, used everywhere):
/// - Parameters: weight matrices and embeddings; biases, norms and relative-position tables are not counted.
///   `params_activated` = all non-expert parameters (embeddings, attention, dense FFNs, shared experts,
///   routers) + top_k of the `experts` experts of each MoE layer — the convention that reproduces GLaM's
///   96.6B for 64B/64E and the publishers' active counts of Mixtral, DeepSeek, Qwen3 and DBRX. Hierarchical
///   gating activates the primary gate and the group_top_k chosen groups' secondary gates. Multi-token-
///   prediction modules are counted apart (`params_mtp`), as DeepSeek-V3's 671B excludes its 11.5B MTP
///   module.
/// - Attention: grouped-query attention has n_kv_heads K/V heads; MLA counts its down- and up-projections
///   (ModelSpec::attention_params). Score/value FLOPs use the query/key head size (MLA: + RoPE part) and the
///   value head size. LSTM layers: 2 FLOPs per weight per token (the gates' products), no attention.
/// - Importance-sampled softmax (softmax_samples > 0): the logits are computed for the samples and the
///   target only, 2 · d_model · (samples + 1) per token (Jozefowicz et al. 2016 §4).
/// - FLOPs: 2 per multiply-add. Per token forward = matrix products of the parameters the token uses (the
///   embedding lookup is free; the logits projection costs 2·V·d) + attention score/value products
///   4 · sequence_length · n_heads · d_head per attention block (full, unmasked sequence as dense kernels
///   compute it; causal kernels that skip masked blocks do half). Expert FLOPs count the top_k chosen
///   experts, not the capacity padding. Router: 2 · d_model · experts per MoE layer.
/// - Encoder-decoder models: "per token" means one token through every layer of both stacks (the C = 2N
///   convention); use flops_fwd_per_sequence() for separate encoder/decoder lengths. Cross-attention K/V
///   projections are counted per decoder token.
/// - Training: backward = 2 × forward, so train = 3 × forward; with full activation recomputation the forward
/// is
///   run twice: 4 × forward.
/// - All-to-all: per MoE layer and token, dispatch and combine each send top_k · d_model · capacity_factor
///   elements (the padded [experts, capacity, d_model] buffer holds cf · k slots per token; hierarchical
///   gating sends group_top_k copies, one per chosen group, not top_k), the combine at dtype_bytes and the
///   dispatch at dispatch_dtype_bytes; forward is the two together. The backward pass sends the same bytes
///   again (gradients of combine and dispatch), so training = 2 × forward, 3 × with recomputation. These are
///   bytes leaving the token's device before subtracting the share that stays local (1/expert-parallel
///   degree), which depends on the placement.
struct ModelAccounting {
  std::string model;                           ///< ModelSpec::name
  std::int64_t sequence_length = 0;            ///< tokens
  double dtype_bytes = 0;                      ///< bytes per all-to-all element (the combine's)
  double dispatch_dtype_bytes = 0;             ///< bytes per element of the dispatch
  std::int64_t moe_layers = 0;                 ///< MoE layers in the model
  std::int64_t params_total = 0;               ///< parameters
  std::int64_t params_activated = 0;           ///< parameters used per token
  std::int64_t params_embedding = 0;           ///< input embedding + position table (+ untied logits matrix)
  std::int64_t params_experts = 0;             ///< all routed experts of all MoE layers (MTP included)
  std::int64_t params_mtp = 0;                 ///< multi-token-prediction modules (shared embedding apart)
  double flops_per_token_fwd = 0;              ///< FLOPs, forward, per token
  double flops_per_token_fwd_attention = 0;    ///< FLOPs, the score/value part of flops_per_token_fwd
  double flops_per_token_train = 0;            ///< FLOPs, forward + backward (3 × forward)
  double flops_per_token_train_recompute = 0;  ///< FLOPs, with activation recomputation (4 × forward)
  double a2a_bytes_per_token = 0;              ///< bytes, forward dispatch + combine, all MoE layers
  double a2a_bytes_per_token_train = 0;        ///< bytes, forward + backward (2 × forward)
  double a2a_bytes_per_token_per_moe_layer = 0;  ///< bytes, forward dispatch + combine, one MoE layer
  std::vector<LayerCost> layers;                 ///< per-layer breakdown, in model order
  /// Every parameter the training run holds and updates: the model's and its MTP modules'.
  std::int64_t params_trained() const { return params_total + params_mtp; }
};

/// Counts parameters, FLOPs and all-to-all bytes of `model` (see ModelAccounting for the conventions).
/// Throws std::invalid_argument when options.sequence_length <= 0 or options.dtype_bytes <= 0.
ModelAccounting account_model(const ModelSpec& model, const AccountingOptions& options);

/// Forward FLOPs of one sequence of `encoder_tokens` input and `decoder_tokens` output tokens (decoder-only
/// models: encoder_tokens is ignored). Attention score/value FLOPs use the accounting's sequence_length.
double flops_fwd_per_sequence(const ModelAccounting& accounting, std::int64_t encoder_tokens,
                              std::int64_t decoder_tokens);

/// The accounting as JSON under stable keys (params_total, params_activated, flops_per_token_fwd,
/// flops_per_token_train, flops_per_token_train_recompute, a2a_bytes_per_token, ..., layers[]).
nlohmann::json to_json(const ModelAccounting& accounting);

/// A human-readable table of the accounting (totals, then one row per layer kind and stack).
void print_accounting(std::ostream& out, const ModelAccounting& accounting);

}  // namespace moesim::workloads
