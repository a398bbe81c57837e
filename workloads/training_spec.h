// moesim — what one training run processes (the `training:` section of a scenario).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moesim::workloads {

/// Numeric format of activations and of the all-to-all payloads.
enum class Precision { kFp32, kBf16, kFp16, kFp8 };
/// FP8 scaling recipe (`training.fp8_recipe`): delayed (scale from past amaxes), current (per-tensor scale
/// from this tensor's amax, an extra read pass: TE Float8CurrentScalingQuantizer computes the amax, then the
/// scale, then quantizes) or blockwise (a scale per 1x128 / 128x128 tile, found in the quantizing pass,
/// DeepSeek-V3 §3.3.2).
enum class Fp8Recipe { kDelayed, kCurrent, kBlockwise };
/// Activation recomputation (Korthikanti et al., "Reducing Activation Recomputation in Large Transformer
/// Models", MLSys 2023): none; selective = the attention core (scores, softmax, dropout) is recomputed in
/// backward instead of stored; full = only each layer's input is stored and the whole forward of the layer,
/// router, gating, permutation and all-to-alls included, runs again in backward (Megatron-LM
/// `--recompute-granularity full`).
enum class Recompute { kNone, kSelective, kFull };
/// A module selective recomputation runs again in backward (Megatron-Core TransformerConfig
/// `recompute_modules`, whose default is the attention core alone):
///  - core_attn: the attention core (scores, softmax, dropout; Korthikanti et al. 2022 §5);
///  - layernorm: the norms that are modules of their own (an MoE layer's pre-FFN norm, read by the router
///    and the experts; an MLA layer's input norm, read by two down-projections); output discarded;
///  - mla_up_proj: MLA's query and key/value up-projections and RoPE; output discarded;
///  - mlp: a dense FFN (with its fused input norm), from its input;
///  - moe_act: the experts' activation function; output discarded;
///  - moe: a whole MoE layer (router, dispatch, experts, combine, all-to-alls included), from its input;
///  - shared_experts: the shared experts, from their input.
/// "Output discarded" (CheckpointWithoutOutput) frees the module's output once its consumer has run and
/// refills it in backward; the others (tensor_parallel.checkpoint) keep only the module's input.
enum class RecomputeModule { kCoreAttn, kLayernorm, kMlaUpProj, kMlp, kMoeAct, kMoe, kSharedExperts };
/// The YAML names of the modules, in RecomputeModule order.
inline constexpr std::string_view kRecomputeModuleNames[] = {"core_attn", "layernorm", "mla_up_proj",   "mlp",
                                                             "moe_act",   "moe",       "shared_experts"};

/// Optimizer, for the optimizer-state memory (Adam: 2 fp32 moments; Adafactor: factored second moment).
enum class Optimizer { kAdam, kAdafactor };

/// Bytes per element: fp32 4, bf16/fp16 2, fp8 1.
double bytes_per_element(Precision precision);
/// Bytes per element of an FP8 all-to-all payload with its scales: one byte, plus one fp32 scale per tile
/// of 128 elements (DeepSeek-V3 §3.3.2's 1 x 128 activation tiles; DeepEP's FP8 dispatch sends them along).
inline constexpr double kFp8TiledBytesPerElement = 1.0 + 4.0 / 128.0;
std::string_view to_string(Precision precision);
std::string_view to_string(Optimizer optimizer);
std::string_view to_string(Recompute recompute);

/// Batch, sequence and length of a training run. The YAML gives the global batch either in tokens or in
/// sequences (exactly one); both fields are filled after parsing (tokens = sequences × sequence_length).
struct TrainingSpec {
  std::int64_t global_batch_tokens = 0;     ///< tokens per optimizer step (all devices)
  std::int64_t global_batch_sequences = 0;  ///< sequences per optimizer step
  bool batch_given_in_tokens = false;       ///< which key the YAML used (for error messages)
  std::int64_t sequence_length = 0;         ///< tokens per sequence
  std::optional<double> total_tokens;       ///< tokens of the whole run (e.g. 600e9); absent = one step only
  Precision precision = Precision::kBf16;   ///< required in YAML
  Recompute recompute = Recompute::kNone;   ///< default none
  /// With recompute selective: a bit per RecomputeModule (`training.recompute_modules`); default core_attn.
  std::uint32_t recompute_modules = 1U << static_cast<unsigned>(RecomputeModule::kCoreAttn);
  Optimizer optimizer = Optimizer::kAdam;  ///< default adam (the Megatron-LM / DeepSpeed default)
  /// Number format of the matrix products when it differs from `precision` (a mixed recipe, e.g. fp8 GEMMs
  /// with bf16 elsewhere): fp32 | tf32 | bf16 | fp16 | fp8 | int8. Absent: the chip's default for
  /// `precision` (sim/step/compute_setup.h).
  std::optional<std::string> matmul_precision;
  /// Number format of the dispatch all-to-all's payload when it differs from `precision`: the forward
  /// dispatch and, in backward, the output gradients sent to the experts. DeepSeek-V3 (§3.3.4, "Low-Precision
  /// Communication") quantizes the experts' inputs to FP8 before the dispatch and keeps the combine and its
  /// gradient in BF16. Absent: `precision`.
  std::optional<Precision> dispatch_precision;
  /// How FP8 GEMM inputs get their scale (Transformer Engine recipes): each 16-bit activation operand of an
  /// FP8 GEMM is quantized by a memory-bound pass before it. Absent: delayed (Megatron-Core's and TE's
  /// default), the scale from an amax history, this tensor's amax taken in the same pass. Only with FP8
  /// GEMMs.
  std::optional<Fp8Recipe> fp8_recipe;

  /// Whether the matrix products run in FP8 (matmul_precision fp8, or precision fp8 without a matmul
  /// override).
  bool fp8_matmuls() const {
    return matmul_precision ? *matmul_precision == "fp8" : precision == Precision::kFp8;
  }

  /// Whether selective recomputation re-runs `module` in backward.
  bool recomputes(RecomputeModule module) const {
    return recompute == Recompute::kSelective &&
           (recompute_modules & (1U << static_cast<unsigned>(module))) != 0;
  }

  /// Bytes per element of the dispatch's payload (dispatch_bytes_per_element) and of the combine's.
  double dispatch_bytes_per_element() const;
  double combine_bytes_per_element() const { return bytes_per_element(precision); }

  /// The YAML key that holds the batch ("global_batch_tokens" or "global_batch_sequences").
  std::string_view batch_key() const {
    return batch_given_in_tokens ? "global_batch_tokens" : "global_batch_sequences";
  }
};

}  // namespace moesim::workloads
