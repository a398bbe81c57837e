// moesim — the architecture of one Transformer model, dense or Mixture-of-Experts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace moesim::workloads {

/// Which published family a model belongs to (for grouping in `moesim presets` and reports).
enum class ModelFamily {
  kSwitch,
  kT5,
  kGlam,
  kGshard,
  kGpt3,
  kShazeer,
  kMixtral,
  kDeepseek,
  kQwen,
  kDbrx,
  kOlmoe,
  kCustom
};

/// How a token picks its experts.
enum class GatingKind {
  kNone,  ///< dense model, no router
  kTop1,  ///< Switch Transformer top-1 ("switch routing", Fedus et al. 2021 §2.1)
  kTop2,  ///< GShard top-2: second expert kept with probability ∝ its gate (Lepikhin et al. 2020 §2.2)
  kNoisyTopK,  ///< Shazeer et al. 2017 noisy top-k gating (any k): a gate and a noise matrix per expert
  kTopK,       ///< plain top-k of the router scores (Mixtral, DBRX, DeepSeek, Qwen3; any k)
};

/// The router's score function: softmax over the experts (GShard, Switch, Mixtral, Qwen3, DeepSeek-V2) or an
/// independent sigmoid per expert, normalised over the chosen ones (DeepSeek-V3 §2.1.2).
enum class RouterScore { kSoftmax, kSigmoid };

/// What mixes tokens in a layer: self-attention (Transformer) or a recurrent LSTM layer (Shazeer et al.
/// 2017, whose MoE sits between two LSTM layers).
enum class LayerBlock { kTransformer, kLstm };

std::string_view to_string(ModelFamily family);
std::string_view to_string(GatingKind gating);
std::string_view to_string(RouterScore score);

/// The shape of a Transformer language model (decoder-only or encoder-decoder), dense or with MoE
/// feed-forward layers, as the parameter/FLOP accounting and the step simulation need it. Sizes are element
/// counts; the numeric precision is a property of the training run (TrainingSpec), not of the model.
///
/// Layer structure assumed (pre-norm Transformer, Vaswani et al. 2017 as used by T5, GPT-3, GShard, GLaM):
/// every layer has self-attention and a feed-forward block; decoder layers of an encoder-decoder model also
/// have cross-attention. Every `moe_every`-th feed-forward block (the 2nd, 4th, ... when moe_every = 2, as in
/// GShard, Switch-Base/Large/XXL and GLaM) is an MoE layer of `experts` experts; the others are dense FFNs.
/// Biases, layer norms and relative-position-bias tables are not counted (well under 0.1% of any preset).
///
/// Later models (2023-2025) add: grouped-query attention (`n_kv_heads` < n_heads, Ainslie et al. 2023);
/// DeepSeek's multi-head latent attention (`kv_lora_rank` > 0: queries through a `q_lora_rank` bottleneck,
/// keys and values from a shared `kv_lora_rank` latent, a decoupled RoPE key of `qk_rope_head_dim` shared
/// by the heads, values of `v_head_dim`; DeepSeek-V2 §2.1); always-on `shared_experts` beside the routed
/// ones; dense first layers (`first_dense_layers`) or an explicit list of MoE layers (`moe_layers`);
/// group-, device- or node-limited routing; and multi-token-prediction modules (DeepSeek-V3 §2.2).
/// An LSTM model (`block` kLstm) has `layers` LSTM layers of `lstm_units` cells (optionally projected to
/// `lstm_projection`, Sak et al. 2014) with residual connections, the MoE after the layers `moe_layers`
/// lists, and an output softmax trained with `softmax_samples` importance samples.
struct ModelSpec {
  std::string name;  ///< preset name, lower-case with hyphens (e.g. `glam-64b-64e`)
  ModelFamily family = ModelFamily::kCustom;
  std::string source;  ///< citation of the numbers (paper + table, or config file)

  bool encoder_decoder = false;     ///< true: T5-style encoder + decoder stacks
  std::int64_t layers = 0;          ///< decoder-only models: number of layers; 0 when encoder_decoder
  std::int64_t encoder_layers = 0;  ///< encoder-decoder models: layers in the encoder stack
  std::int64_t decoder_layers = 0;  ///< encoder-decoder models: layers in the decoder stack

  std::int64_t d_model = 0;  ///< hidden size (elements)
  std::int64_t n_heads = 0;  ///< attention heads
  std::int64_t d_head = 0;   ///< size of one head (elements); n_heads × d_head need not equal d_model
  /// Key/value heads (grouped-query attention: n_heads / n_kv_heads query heads share one; 1 = multi-query);
  /// 0 = n_heads (multi-head attention). Ignored with MLA.
  std::int64_t n_kv_heads = 0;
  /// Multi-head latent attention (DeepSeek-V2/V3): rank of the query bottleneck (0 = full-rank queries),
  /// rank of the shared key/value latent (> 0 turns MLA on), size of the decoupled RoPE part of each
  /// query/key head, and of each value head. With MLA, d_head is the non-RoPE query/key head size.
  std::int64_t q_lora_rank = 0;
  std::int64_t kv_lora_rank = 0;
  std::int64_t qk_rope_head_dim = 0;
  std::int64_t v_head_dim = 0;
  std::int64_t d_ff = 0;   ///< hidden size of the dense FFN (elements); 0 when every FFN is an MoE layer
  bool ffn_gated = false;  ///< dense FFN is gated (GLU/GEGLU: two input matrices + one output = 3 matrices)
  std::int64_t vocab = 0;  ///< vocabulary size (rows of the embedding matrix)
  std::int64_t position_embeddings =
      0;                        ///< rows of a learned absolute position table (GPT-3: 2048); 0 = none
  bool tied_embeddings = true;  ///< the output logits reuse the input embedding matrix

  std::int64_t experts = 0;      ///< experts per MoE layer; 0 = dense model
  std::int64_t expert_d_ff = 0;  ///< hidden size of one expert (elements)
  bool expert_gated = false;     ///< expert FFN is gated (3 matrices) rather than 2
  std::int64_t moe_every = 0;    ///< 1 = every FFN is MoE, 2 = every other FFN; 0 for dense models
  /// The first layers of each stack keep a dense FFN whatever moe_every says (DeepSeek: first_k_dense).
  std::int64_t first_dense_layers = 0;
  /// Explicit MoE layers (0-based, decoder-only or LSTM models); when non-empty it replaces moe_every and
  /// first_dense_layers.
  std::vector<std::int64_t> moe_layers;
  /// Always-active experts of every MoE layer, each an FFN of shared_expert_d_ff (gated like the routed
  /// ones); 0 = none (DeepSeekMoE's shared-expert isolation, Dai et al. 2024).
  std::int64_t shared_experts = 0;
  std::int64_t shared_expert_d_ff = 0;
  std::int64_t top_k = 0;  ///< experts each token is sent to
  GatingKind gating = GatingKind::kNone;
  RouterScore router = RouterScore::kSoftmax;
  /// Auxiliary-loss-free load balancing: a per-expert bias added to the scores for the choice only,
  /// adjusted by a rule between steps (DeepSeek-V3 §2.1.2; not a trained parameter, not counted).
  bool router_bias = false;
  /// Routing groups: the experts split into `expert_groups` equal contiguous groups and each token's
  /// experts lie in at most `group_top_k` of them. With `hierarchical_gating` (Shazeer et al. 2017 App. B)
  /// a primary gate picks exactly group_top_k groups and each group's own secondary gate picks top_k /
  /// group_top_k of its experts; the dispatch then sends a token once per chosen group.
  std::int64_t expert_groups = 0;
  std::int64_t group_top_k = 0;
  bool hierarchical_gating = false;
  /// Device- and node-limited routing (DeepSeek-V2 §2.1.3 M = 3 devices; DeepSeek-V3 §2.1.2 M = 4 nodes):
  /// each token's experts lie on at most this many devices / nodes of its expert-parallel group, and the
  /// dispatch sends a token once per destination device / node (node: across the network once, then over
  /// NVLink to the GPUs of that node, DeepSeek-V3 §3.2.2). 0 = unlimited, one transfer per expert copy.
  std::int64_t device_limit = 0;
  std::int64_t node_limit = 0;
  double capacity_factor = 0;  ///< training capacity factor: slots per expert = cf × k × tokens / experts
  double eval_capacity_factor = 0;  ///< capacity factor at evaluation / inference
  /// Multi-token-prediction modules (DeepSeek-V3 §2.2): each a projection of [norm(h), norm(embedding)]
  /// (2·d_model -> d_model) and one more layer like the model's last, sharing the embedding and the output
  /// head; trained with the model, their parameters are counted apart from params_total.
  std::int64_t mtp_modules = 0;

  LayerBlock block = LayerBlock::kTransformer;
  std::int64_t lstm_units = 0;       ///< LSTM: cells per layer
  std::int64_t lstm_projection = 0;  ///< LSTM: output projection size (0 = none: the output is the cells)
  /// Output softmax trained by importance sampling over this many sampled classes (plus the target), as
  /// Jozefowicz et al. 2016; 0 = the full vocabulary.
  std::int64_t softmax_samples = 0;

  bool is_moe() const { return experts > 0; }
  bool is_lstm() const { return block == LayerBlock::kLstm; }
  bool is_mla() const { return kv_lora_rank > 0; }
  /// Layers in the encoder stack (0 for decoder-only models).
  std::int64_t encoder_layer_count() const { return encoder_decoder ? encoder_layers : 0; }
  /// Layers in the decoder stack (all layers of a decoder-only model).
  std::int64_t decoder_layer_count() const { return encoder_decoder ? decoder_layers : layers; }
  std::int64_t total_layers() const { return encoder_layer_count() + decoder_layer_count(); }
  /// Layers the step runs: the model's and its multi-token-prediction modules' (one layer each).
  std::int64_t step_layers() const { return total_layers() + mtp_modules; }
  /// Whether layer `index` (0-based, within its stack) has an MoE FFN: listed in moe_layers, or else every
  /// moe_every-th layer (the 2nd, 4th, ... when moe_every = 2) after the first_dense_layers.
  bool is_moe_layer(std::int64_t index) const;
  /// MoE layers in a stack of `stack_layers` layers.
  std::int64_t moe_layers_in(std::int64_t stack_layers) const;
  /// MoE layers in the whole model (both stacks).
  std::int64_t moe_layer_count() const {
    return moe_layers_in(encoder_layer_count()) + moe_layers_in(decoder_layer_count());
  }
  /// Attention width n_heads × d_head (elements).
  std::int64_t d_attention() const { return n_heads * d_head; }
  /// Key/value heads (n_heads unless grouped-query attention says fewer).
  std::int64_t kv_heads() const { return n_kv_heads > 0 ? n_kv_heads : n_heads; }
  /// Size of one query/key head in the score product (MLA: d_head + the RoPE part) and of one value head.
  std::int64_t qk_head_dim() const { return is_mla() ? d_head + qk_rope_head_dim : d_head; }
  std::int64_t value_head_dim() const { return is_mla() && v_head_dim > 0 ? v_head_dim : d_head; }
  /// Parameters of one self-attention block: Q, K, V, O (grouped-query: fewer K/V heads), or MLA's
  /// down- and up-projections.
  std::int64_t attention_params() const;
  /// Hidden size of one shared expert (shared_expert_d_ff, else expert_d_ff).
  std::int64_t shared_d_ff() const { return shared_expert_d_ff > 0 ? shared_expert_d_ff : expert_d_ff; }
  /// LSTM: size of a layer's output and recurrent input (the projection, else the cells).
  std::int64_t lstm_output() const { return lstm_projection > 0 ? lstm_projection : lstm_units; }
  /// LSTM: parameters of one layer: 4 gates over [input d_model, recurrent input], plus the projection.
  std::int64_t lstm_params() const;
};

}  // namespace moesim::workloads
