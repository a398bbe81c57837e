#include "workloads/accounting.h"

#include <stdexcept>

namespace moesim::workloads {
namespace {

/// Parameters of an FFN with `d_ff` hidden units: 2 matrices, or 3 when gated (GLU/GEGLU).
std::int64_t ffn_params(std::int64_t d_model, std::int64_t d_ff, bool gated) {
  return (gated ? 3 : 2) * d_model * d_ff;
}

double f(std::int64_t v) {
  return static_cast<double>(v);
}

/// The router of one MoE layer: held and activated parameters. Noisy top-k has a gate and a noise matrix
/// (Shazeer et al. 2017 eq. 4); hierarchical gating a primary gate over the groups and a secondary gate per
/// group, of which a token uses the group_top_k chosen ones (App. B).
/// Router parameters of one MoE layer (held = activated). Hierarchical gating: the primary gate only.
std::int64_t router_params(const ModelSpec& m) {
  const std::int64_t matrices = m.gating == GatingKind::kNoisyTopK ? 2 : 1;
  return matrices * m.d_model * (m.hierarchical_gating ? m.expert_groups : m.experts);
}

/// Hierarchical gating's secondary gates: each group's own (and its noise matrix) lives with the group's
/// experts, on the group's device (Shazeer et al. 2017 §3.1); held per layer, and used by a token.
std::pair<std::int64_t, std::int64_t> secondary_gates(const ModelSpec& m) {
  if (!m.hierarchical_gating) return {0, 0};
  const std::int64_t matrices = m.gating == GatingKind::kNoisyTopK ? 2 : 1;
  const std::int64_t one = matrices * m.d_model * (m.experts / m.expert_groups);
  return {m.expert_groups * one, m.group_top_k * one};
}

/// Bytes per element of the dispatch: its own format's, else the combine's.
double dispatch_bytes(const AccountingOptions& opt) {
  return opt.dispatch_dtype_bytes > 0 ? opt.dispatch_dtype_bytes : opt.dtype_bytes;
}

/// The MoE rows of `moe` identical layers: routed experts, shared experts, router.
void add_moe(const ModelSpec& m, Stack stack, std::int64_t moe, const AccountingOptions& opt, bool mtp,
             std::vector<LayerCost>& out) {
  const std::int64_t expert = ffn_params(m.d_model, m.expert_d_ff, m.expert_gated);
  const std::int64_t copies = m.hierarchical_gating ? m.group_top_k : m.top_k;
  const double cf = m.capacity_factor > 0 ? m.capacity_factor : 1.0;  // 0: no capacity, no padding
  const double a2a = f(copies) * f(m.d_model) * (dispatch_bytes(opt) + opt.dtype_bytes) * cf;
  const auto [gates_held, gates_used] = secondary_gates(m);
  out.push_back(LayerCost{LayerKind::kMoeFfn, stack, moe, m.experts * expert + gates_held,
                          m.top_k * expert + gates_used, 2.0 * f(m.top_k * expert + gates_used), 0, a2a,
                          mtp});
  if (m.shared_experts > 0) {
    const std::int64_t p = m.shared_experts * ffn_params(m.d_model, m.shared_d_ff(), m.expert_gated);
    out.push_back(LayerCost{LayerKind::kSharedExperts, stack, moe, p, p, 2.0 * f(p), 0, 0, mtp});
  }
  const std::int64_t router = router_params(m);
  out.push_back(LayerCost{LayerKind::kRouter, stack, moe, router, router, 2.0 * f(router), 0, 0, mtp});
}

/// The mixing rows (attention, cross-attention, or LSTM) of `n` layers.
void add_mixers(const ModelSpec& m, Stack stack, std::int64_t n, const AccountingOptions& opt, bool mtp,
                std::vector<LayerCost>& out) {
  if (m.is_lstm()) {
    const std::int64_t p = m.lstm_params();
    out.push_back(LayerCost{LayerKind::kLstm, stack, n, p, p, 2.0 * f(p), 0, 0, mtp});
    return;
  }
  const std::int64_t attn_params = m.attention_params();
  // QKᵀ over the query/key head size and AV over the value head size, 2 FLOPs per multiply-add each.
  const double attn_scores =
      2.0 * f(opt.sequence_length) * f(m.n_heads) * f(m.qk_head_dim() + m.value_head_dim());
  LayerCost attn{LayerKind::kAttention, stack,       n, attn_params, attn_params,
                 2.0 * f(attn_params),  attn_scores, 0, mtp};
  out.push_back(attn);
  if (stack == Stack::kDecoder && m.encoder_decoder) {
    LayerCost cross = attn;
    cross.kind = LayerKind::kCrossAttention;
    out.push_back(cross);
  }
}

/// Appends the layers of one stack (encoder or decoder) of `n` layers.
void add_stack(const ModelSpec& m, Stack stack, std::int64_t n, const AccountingOptions& opt,
               std::vector<LayerCost>& out) {
  if (n <= 0) return;
  add_mixers(m, stack, n, opt, false, out);
  const std::int64_t moe = m.moe_layers_in(n);
  const std::int64_t dense = n - moe;
  if (dense > 0 && !m.is_lstm()) {
    const std::int64_t p = ffn_params(m.d_model, m.d_ff, m.ffn_gated);
    out.push_back(LayerCost{LayerKind::kDenseFfn, stack, dense, p, p, 2.0 * f(p), 0, 0});
  }
  if (moe > 0) add_moe(m, stack, moe, opt, false, out);
}

/// DeepSeek-V3's MTP modules (§2.2, README_WEIGHTS.md): a 2d -> d projection and one layer like the last
/// one, sharing the embedding and output head (whose logits they compute again).
void add_mtp(const ModelSpec& m, const AccountingOptions& opt, std::vector<LayerCost>& out) {
  const std::int64_t k = m.mtp_modules;
  if (k <= 0) return;
  const std::int64_t proj = 2 * m.d_model * m.d_model;
  out.push_back(
      LayerCost{LayerKind::kMtpProjection, Stack::kDecoder, k, proj, proj, 2.0 * f(proj), 0, 0, true});
  add_mixers(m, Stack::kDecoder, k, opt, true, out);
  if (m.is_moe_layer(m.layers - 1)) {
    add_moe(m, Stack::kDecoder, k, opt, true, out);
  } else {
    const std::int64_t p = ffn_params(m.d_model, m.d_ff, m.ffn_gated);
    out.push_back(LayerCost{LayerKind::kDenseFfn, Stack::kDecoder, k, p, p, 2.0 * f(p), 0, 0, true});
  }
  out.push_back(
      LayerCost{LayerKind::kLogits, Stack::kDecoder, k, 0, 0, 2.0 * f(m.vocab * m.d_model), 0, 0, true});
}

void total_up(ModelAccounting& acc) {
  for (const auto& l : acc.layers) {
    const double per_token = f(l.count) * (l.flops_fwd_matmul_per_token + l.flops_fwd_attention_per_token);
    acc.flops_per_token_fwd += per_token;
    acc.flops_per_token_fwd_attention += f(l.count) * l.flops_fwd_attention_per_token;
    acc.a2a_bytes_per_token += f(l.count) * l.a2a_bytes_per_token;
    if (l.kind == LayerKind::kMoeFfn) acc.params_experts += l.count * l.params;
    if (l.mtp) {
      acc.params_mtp += l.count * l.params;
      continue;
    }
    acc.params_total += l.count * l.params;
    acc.params_activated += l.count * l.params_activated;
    if (l.kind == LayerKind::kEmbedding || l.kind == LayerKind::kLogits) acc.params_embedding += l.params;
    if (l.kind == LayerKind::kMoeFfn) acc.a2a_bytes_per_token_per_moe_layer = l.a2a_bytes_per_token;
  }
  acc.flops_per_token_train = 3.0 * acc.flops_per_token_fwd;
  acc.flops_per_token_train_recompute = 4.0 * acc.flops_per_token_fwd;
  acc.a2a_bytes_per_token_train = 2.0 * acc.a2a_bytes_per_token;
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
    case LayerKind::kSharedExperts:
      return "shared_experts";
    case LayerKind::kLstm:
      return "lstm";
    case LayerKind::kMtpProjection:
      return "mtp_projection";
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

AccountingOptions accounting_options(const TrainingSpec& training) {
  return {training.sequence_length, training.combine_bytes_per_element(),
          training.dispatch_bytes_per_element()};
}

ModelAccounting account_model(const ModelSpec& m, const AccountingOptions& opt) {
  if (opt.sequence_length <= 0) throw std::invalid_argument("account_model: sequence_length must be > 0");
  if (!(opt.dtype_bytes > 0)) throw std::invalid_argument("account_model: dtype_bytes must be > 0");

  ModelAccounting acc;
  acc.model = m.name;
  acc.sequence_length = opt.sequence_length;
  acc.dtype_bytes = opt.dtype_bytes;
  acc.dispatch_dtype_bytes = dispatch_bytes(opt);
  acc.moe_layers = m.moe_layer_count();

  const std::int64_t embed = m.vocab * m.d_model + m.position_embeddings * m.d_model;
  acc.layers.push_back(LayerCost{LayerKind::kEmbedding, Stack::kNone, 1, embed, embed, 0, 0, 0});
  add_stack(m, Stack::kEncoder, m.encoder_layer_count(), opt, acc.layers);
  add_stack(m, Stack::kDecoder, m.decoder_layer_count(), opt, acc.layers);
  const std::int64_t logits = m.tied_embeddings ? 0 : m.vocab * m.d_model;
  // Importance sampling computes the logits of the sampled classes and the target only.
  const std::int64_t classes = m.softmax_samples > 0 ? m.softmax_samples + 1 : m.vocab;
  acc.layers.push_back(
      LayerCost{LayerKind::kLogits, Stack::kDecoder, 1, logits, logits, 2.0 * f(classes * m.d_model), 0, 0});
  add_mtp(m, opt, acc.layers);
  total_up(acc);
  return acc;
}

double flops_fwd_per_sequence(const ModelAccounting& acc, std::int64_t encoder_tokens,
                              std::int64_t decoder_tokens) {
  double total = 0;
  for (const auto& l : acc.layers) {
    const double per_token = f(l.count) * (l.flops_fwd_matmul_per_token + l.flops_fwd_attention_per_token);
    if (l.stack == Stack::kEncoder) total += per_token * f(encoder_tokens);
    if (l.stack == Stack::kDecoder) total += per_token * f(decoder_tokens);
  }
  return total;
}

}  // namespace moesim::workloads
