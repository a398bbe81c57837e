#include "workloads/accounting.h"

#include <stdexcept>

namespace moesim::workloads {
namespace {

/// Parameters of an FFN with `d_ff` hidden units: 2 matrices, or 3 when gated (GLU/GEGLU).
std::int64_t ffn_params(std::int64_t d_model, std::int64_t d_ff, bool gated) {
  return (gated ? 3 : 2) * d_model * d_ff;
}

/// Appends the layers of one stack (encoder or decoder) of `n` layers.
void add_stack(const ModelSpec& m, Stack stack, std::int64_t n, const AccountingOptions& opt,
               std::vector<LayerCost>& out) {
  if (n <= 0) return;
  const std::int64_t attn_params = 4 * m.d_model * m.d_attention();  // Q, K, V, O
  const double attn_scores =
      4.0 * static_cast<double>(opt.sequence_length) * static_cast<double>(m.d_attention());

  LayerCost attn{LayerKind::kAttention, stack,       n, attn_params, attn_params,
                 2.0 * attn_params,     attn_scores, 0};
  out.push_back(attn);
  if (stack == Stack::kDecoder && m.encoder_decoder) {
    LayerCost cross = attn;
    cross.kind = LayerKind::kCrossAttention;
    out.push_back(cross);
  }

  const std::int64_t moe = m.moe_layers_in(n);
  const std::int64_t dense = n - moe;
  if (dense > 0) {
    const std::int64_t p = ffn_params(m.d_model, m.d_ff, m.ffn_gated);
    out.push_back(LayerCost{LayerKind::kDenseFfn, stack, dense, p, p, 2.0 * p, 0, 0});
  }
  if (moe > 0) {
    const std::int64_t expert = ffn_params(m.d_model, m.expert_d_ff, m.expert_gated);
    const double a2a = 2.0 * static_cast<double>(m.top_k) * static_cast<double>(m.d_model) * opt.dtype_bytes *
                       m.capacity_factor;
    out.push_back(LayerCost{LayerKind::kMoeFfn, stack, moe, m.experts * expert, m.top_k * expert,
                            2.0 * static_cast<double>(m.top_k * expert), 0, a2a});
    const std::int64_t router = m.d_model * m.experts;
    out.push_back(LayerCost{LayerKind::kRouter, stack, moe, router, router, 2.0 * router, 0, 0});
  }
}

}  // namespace

std::string_view to_string(LayerKind kind) {
  switch (kind) {
    case LayerKind::kEmbedding:
      return "embedding";
    case LayerKind::kAttention:
      return "attention";
    case LayerKind::kCrossAttention:
      return "cross_attention";
    case LayerKind::kDenseFfn:
      return "dense_ffn";
    case LayerKind::kMoeFfn:
      return "moe_ffn";
    case LayerKind::kRouter:
      return "router";
    case LayerKind::kLogits:
      return "logits";
  }
  return "?";
}

std::string_view to_string(Stack stack) {
  switch (stack) {
    case Stack::kNone:
      return "-";
    case Stack::kEncoder:
      return "encoder";
    case Stack::kDecoder:
      return "decoder";
  }
  return "?";
}

ModelAccounting account_model(const ModelSpec& m, const AccountingOptions& opt) {
  if (opt.sequence_length <= 0) throw std::invalid_argument("account_model: sequence_length must be > 0");
  if (!(opt.dtype_bytes > 0)) throw std::invalid_argument("account_model: dtype_bytes must be > 0");

  ModelAccounting acc;
  acc.model = m.name;
  acc.sequence_length = opt.sequence_length;
  acc.dtype_bytes = opt.dtype_bytes;
  acc.moe_layers = m.moe_layer_count();

  const std::int64_t embed = m.vocab * m.d_model + m.position_embeddings * m.d_model;
  acc.layers.push_back(LayerCost{LayerKind::kEmbedding, Stack::kNone, 1, embed, embed, 0, 0, 0});
  add_stack(m, Stack::kEncoder, m.encoder_layer_count(), opt, acc.layers);
  add_stack(m, Stack::kDecoder, m.decoder_layer_count(), opt, acc.layers);
  const std::int64_t logits = m.tied_embeddings ? 0 : m.vocab * m.d_model;
  acc.layers.push_back(LayerCost{LayerKind::kLogits, Stack::kDecoder, 1, logits, logits,
                                 2.0 * static_cast<double>(m.vocab * m.d_model), 0, 0});

  for (const auto& l : acc.layers) {
    acc.params_total += l.count * l.params;
    acc.params_activated += l.count * l.params_activated;
    acc.flops_per_token_fwd +=
        static_cast<double>(l.count) * (l.flops_fwd_matmul_per_token + l.flops_fwd_attention_per_token);
    acc.flops_per_token_fwd_attention += static_cast<double>(l.count) * l.flops_fwd_attention_per_token;
    acc.a2a_bytes_per_token += static_cast<double>(l.count) * l.a2a_bytes_per_token;
    if (l.kind == LayerKind::kEmbedding || l.kind == LayerKind::kLogits) acc.params_embedding += l.params;
    if (l.kind == LayerKind::kMoeFfn) {
      acc.params_experts += l.count * l.params;
      acc.a2a_bytes_per_token_per_moe_layer = l.a2a_bytes_per_token;
    }
  }
  acc.flops_per_token_train = 3.0 * acc.flops_per_token_fwd;
  acc.flops_per_token_train_recompute = 4.0 * acc.flops_per_token_fwd;
  acc.a2a_bytes_per_token_train = 2.0 * acc.a2a_bytes_per_token;
  return acc;
}

double flops_fwd_per_sequence(const ModelAccounting& acc, std::int64_t encoder_tokens,
                              std::int64_t decoder_tokens) {
  double total = 0;
  for (const auto& l : acc.layers) {
    const double per_token =
        static_cast<double>(l.count) * (l.flops_fwd_matmul_per_token + l.flops_fwd_attention_per_token);
    if (l.stack == Stack::kEncoder) total += per_token * static_cast<double>(encoder_tokens);
    if (l.stack == Stack::kDecoder) total += per_token * static_cast<double>(decoder_tokens);
  }
  return total;
}

}  // namespace moesim::workloads
