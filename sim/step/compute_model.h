// moesim — how long one device's compute kernels take in the step.
#pragma once

#include <array>
#include <string>

#include "kernels/kernel_cost_model.h"
#include "workloads/compute_spec.h"

namespace moesim::sim {

/// The op families the compute model prices (and `compute.calibration` scales).
enum class OpFamily { kGemm, kGroupedGemm, kAttention, kElementwise };
inline constexpr int kOpFamilies = 4;
const char* to_string(OpFamily family);

/// Time of one or more kernels: the total and which parts were memory-bound or taken from measurements.
struct KernelTime {
  double time_s = 0;
  double memory_bound_s = 0;                            ///< of time_s: kernels limited by HBM bandwidth
  double measured_s = 0;                                ///< of time_s: from entries of a measured profile
  std::array<double, kOpFamilies> family_s{};           ///< time_s split by op family
  std::array<double, kOpFamilies> family_measured_s{};  ///< measured_s split by op family
  KernelTime& operator+=(const KernelTime& o);
  KernelTime scaled(double factor) const;
};

/// What the compute model knows of the chip in the formats the scenario uses.
struct ComputeFormats {
  kernels::ChipModel matmul;        ///< the matrix unit in the scenario's matmul format
  kernels::ChipModel attention;     ///< the matrix unit in the activation format (attention's own products)
  double matmul_operand_bytes = 2;  ///< bytes per GEMM operand element as stored in HBM
  double activation_bytes = 2;      ///< bytes per activation element (training.precision)
  /// Bytes moved per element to quantize a GEMM's 16-bit input (forward) and output gradient (backward)
  /// for a narrower matmul format; 0 where nothing is quantized or the cast is fused into the producer.
  double quantize_input_bytes = 0, quantize_grad_bytes = 0;
  bool profile_applies = false;  ///< the profile (bf16) describes these formats: bf16 activations and GEMMs
  /// Fused attention: measured FlashAttention throughput as a fraction of the bf16 peak (0 = unknown).
  double fused_attention_d64 = 0, fused_attention_d128 = 0, fused_attention_short_factor = 1;
  double bf16_peak_flop_per_s = 0;
  std::string matmul_format = "bf16";  ///< name of the matmul format (for reports)
};

/// Compute times of one accelerator: GEMMs, grouped expert GEMMs and the MoE kernels from the kernels
/// module's cost model (shape model, corrected by a measured profile where it applies), memory-bound
/// kernels at the streaming rate, fused attention at its measured throughput; each op family scaled by the
/// scenario's `compute.calibration`.
class ComputeModel {
 public:
  /// `profiled` is the bf16 cost model of the chip (with its profile, if any); `source` says where the
  /// numbers come from, for reports.
  ComputeModel(kernels::KernelCostModel profiled, ComputeFormats formats,
               workloads::ComputeCalibration calibration, std::string source);

  /// One dense GEMM kernel C[m,n] = A[m,k]·B[k,n] in the matmul format (projections, FFNs, logits).
  KernelTime gemm(double m, double n, double k) const;
  /// A dense GEMM that FP8 recipes keep in 16 bits: the output head and the router (DeepSeek-V3 §3.3.1
  /// keeps the embedding, output head and gating in BF16/FP32; Megatron-Core's output layer and router are
  /// not Transformer Engine modules). In the matmul format when that is not narrower than 16 bits.
  KernelTime gemm_outside_recipe(double m, double n, double k) const;
  /// `groups` independent GEMMs in one kernel (one weight matrix per group: experts' backward products).
  KernelTime grouped_gemm(double m, double n, double k, double groups) const;
  /// Batched products with activations on both sides in the activation format: the unfused attention's
  /// scores and values, the one-hot einsum dispatch and combine.
  KernelTime attention_gemm(double m, double n, double k, double groups,
                            OpFamily family = OpFamily::kAttention) const;
  /// Fused attention executing `flops` FLOPs at head size `d_head` over sequences of `sequence` tokens.
  KernelTime fused_attention(double flops, double d_head, double sequence) const;
  /// A memory-bound kernel moving `bytes` (norms, activations, dropout, residuals, softmax, optimizer).
  KernelTime stream(double bytes, OpFamily family = OpFamily::kElementwise) const;
  /// The memory-bound quantization of `elements` of a GEMM's 16-bit operand before an FP8 GEMM: the input
  /// in forward, the output gradient in backward (nothing when the GEMMs run in the activation format).
  KernelTime quantize(double elements, bool backward) const;
  /// One MoE kernel at a shape (see kernels/kernel_shape.h), measured where the profile applies.
  KernelTime moe_kernel(kernels::KernelKind kind, const kernels::KernelShape& shape) const;

  double activation_bytes() const { return formats_.activation_bytes; }
  double matmul_operand_bytes() const { return formats_.matmul_operand_bytes; }
  bool fused_attention_available() const { return formats_.fused_attention_d128 > 0; }
  const std::string& source() const { return source_; }
  /// Dense peak of the matmul format in use (MFU's denominator) and of bf16 (for comparisons).
  double matmul_peak_flop_per_s() const { return formats_.matmul.peak_flop_per_s; }
  double bf16_peak_flop_per_s() const { return formats_.bf16_peak_flop_per_s; }
  const std::string& matmul_format() const { return formats_.matmul_format; }

 private:
  KernelTime from(const kernels::CostEstimate& e, bool memory_bound, OpFamily family) const;
  double factor(OpFamily family) const;

  kernels::KernelCostModel profiled_;
  ComputeFormats formats_;
  workloads::ComputeCalibration calibration_;
  std::string source_;
};

}  // namespace moesim::sim
