// moesim — the architecture of one Transformer model, dense or Mixture-of-Experts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace moesim::workloads {

/// Which published family a model belongs to (for grouping in `moesim presets` and reports).
enum class ModelFamily { kSwitch, kT5, kGlam, kGshard, kGpt3, kShazeer, kCustom };

/// How a token picks its experts.
enum class GatingKind {
  kNone,  ///< dense model, no router
  kTop1,  ///< Switch Transformer top-1 ("switch routing", Fedus et al. 2021 §2.1)
  kTop2,  ///< GShard top-2: second expert kept with probability ∝ its gate (Lepikhin et al. 2020 §2.2)
  kNoisyTopK,  ///< Shazeer et al. 2017 noisy top-k gating (any k)
};

std::string_view to_string(ModelFamily family);
std::string_view to_string(GatingKind gating);

/// The shape of a Transformer language model (decoder-only or encoder-decoder), dense or with MoE
/// feed-forward layers, as the parameter/FLOP accounting and the step simulation need it. Sizes are element
/// counts; the numeric precision is a property of the training run (TrainingSpec), not of the model.
///
/// Layer structure assumed (pre-norm Transformer, Vaswani et al. 2017 as used by T5, GPT-3, GShard, GLaM):
/// every layer has self-attention and a feed-forward block; decoder layers of an encoder-decoder model also
/// have cross-attention. Every `moe_every`-th feed-forward block (the 2nd, 4th, ... when moe_every = 2, as in
/// GShard, Switch-Base/Large/XXL and GLaM) is an MoE layer of `experts` experts; the others are dense FFNs.
/// Biases, layer norms and relative-position-bias tables are not counted (well under 0.1% of any preset).
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
  std::int64_t d_ff = 0;     ///< hidden size of the dense FFN (elements); 0 when every FFN is an MoE layer
  bool ffn_gated = false;    ///< dense FFN is gated (GLU/GEGLU: two input matrices + one output = 3 matrices)
  std::int64_t vocab = 0;    ///< vocabulary size (rows of the embedding matrix)
  std::int64_t position_embeddings =
      0;                        ///< rows of a learned absolute position table (GPT-3: 2048); 0 = none
  bool tied_embeddings = true;  ///< the output logits reuse the input embedding matrix

  std::int64_t experts = 0;      ///< experts per MoE layer; 0 = dense model
  std::int64_t expert_d_ff = 0;  ///< hidden size of one expert (elements)
  bool expert_gated = false;     ///< expert FFN is gated (3 matrices) rather than 2
  std::int64_t moe_every = 0;    ///< 1 = every FFN is MoE, 2 = every other FFN; 0 for dense models
  std::int64_t top_k = 0;        ///< experts each token is sent to
  GatingKind gating = GatingKind::kNone;
  double capacity_factor = 0;  ///< training capacity factor: slots per expert = cf × k × tokens / experts
  double eval_capacity_factor = 0;  ///< capacity factor at evaluation / inference

  bool is_moe() const { return experts > 0; }
  /// Layers in the encoder stack (0 for decoder-only models).
  std::int64_t encoder_layer_count() const { return encoder_decoder ? encoder_layers : 0; }
  /// Layers in the decoder stack (all layers of a decoder-only model).
  std::int64_t decoder_layer_count() const { return encoder_decoder ? decoder_layers : layers; }
  std::int64_t total_layers() const { return encoder_layer_count() + decoder_layer_count(); }
  /// MoE layers in a stack of `stack_layers` layers: every moe_every-th FFN (floor(stack_layers /
  /// moe_every)).
  std::int64_t moe_layers_in(std::int64_t stack_layers) const {
    return is_moe() ? stack_layers / moe_every : 0;
  }
  /// MoE layers in the whole model (both stacks).
  std::int64_t moe_layer_count() const {
    return moe_layers_in(encoder_layer_count()) + moe_layers_in(decoder_layer_count());
  }
  /// Attention width n_heads × d_head (elements).
  std::int64_t d_attention() const { return n_heads * d_head; }
};

}  // namespace moesim::workloads
