#include "sim/step/compute_model.h"

#include <algorithm>
#include <cmath>

namespace moesim::sim {

const char* to_string(OpFamily family) {
  switch (family) {
    case OpFamily::kGemm:
      return "gemm";
    case OpFamily::kGroupedGemm:
      return "grouped_gemm";
    case OpFamily::kAttention:
      return "attention";
    case OpFamily::kElementwise:
      return "elementwise";
  }
  return "?";
}

KernelTime& KernelTime::operator+=(const KernelTime& o) {
  time_s += o.time_s, memory_bound_s += o.memory_bound_s, measured_s += o.measured_s;
  for (int i = 0; i < kOpFamilies; ++i)
    family_s[i] += o.family_s[i], family_measured_s[i] += o.family_measured_s[i];
  return *this;
}

KernelTime KernelTime::scaled(double f) const {
  KernelTime t = *this;
  t.time_s *= f, t.memory_bound_s *= f, t.measured_s *= f;
  for (double& v : t.family_s) v *= f;
  for (double& v : t.family_measured_s) v *= f;
  return t;
}

ComputeModel::ComputeModel(kernels::KernelCostModel profiled, ComputeFormats formats,
                           workloads::ComputeCalibration calibration, std::string source)
    : profiled_(std::move(profiled)),
      formats_(formats),
      calibration_(calibration),
      source_(std::move(source)) {}

double ComputeModel::factor(OpFamily family) const {
  switch (family) {
    case OpFamily::kGemm:
      return calibration_.gemm;
    case OpFamily::kGroupedGemm:
      return calibration_.grouped_gemm;
    case OpFamily::kAttention:
      return calibration_.attention;
    case OpFamily::kElementwise:
      return calibration_.elementwise;
  }
  return 1.0;
}

KernelTime ComputeModel::from(const kernels::CostEstimate& e, bool memory_bound, OpFamily family) const {
  KernelTime t;
  t.time_s = e.time_s * factor(family);
  t.memory_bound_s = memory_bound ? t.time_s : 0.0;
  t.measured_s = e.measured() ? t.time_s : 0.0;
  t.family_s[static_cast<int>(family)] = t.time_s;
  t.family_measured_s[static_cast<int>(family)] = t.measured_s;
  return t;
}

KernelTime ComputeModel::gemm(double m, double n, double k) const {
  const double b = formats_.matmul_operand_bytes, c = formats_.activation_bytes;
  const kernels::GemmShape s{m, n, k, 1.0, b, b, c};
  const auto shape = kernels::estimate_gemm(formats_.matmul, s);
  const kernels::CostEstimate e =
      formats_.profile_applies ? profiled_.gemm(s) : kernels::CostEstimate{shape.time_s};
  return from(e, shape.memory_bound(), OpFamily::kGemm);
}

KernelTime ComputeModel::gemm_outside_recipe(double m, double n, double k) const {
  if (!(formats_.matmul_operand_bytes < 2) || formats_.profile_applies) return gemm(m, n, k);
  return attention_gemm(m, n, k, 1.0, OpFamily::kGemm);
}

KernelTime ComputeModel::grouped_gemm(double m, double n, double k, double groups) const {
  const double b = formats_.matmul_operand_bytes, c = formats_.activation_bytes;
  const kernels::GemmShape s{m, n, k, groups, b, b, c};
  const auto shape = kernels::estimate_gemm(formats_.matmul, s);
  const kernels::CostEstimate e =
      formats_.profile_applies ? profiled_.grouped_gemm(s) : kernels::CostEstimate{shape.time_s};
  return from(e, shape.memory_bound(), OpFamily::kGroupedGemm);
}

KernelTime ComputeModel::attention_gemm(double m, double n, double k, double groups, OpFamily family) const {
  const double b = formats_.activation_bytes;
  const auto shape = kernels::estimate_gemm(formats_.attention, {m, n, k, groups, b, b, b});
  return from({shape.time_s}, shape.memory_bound(), family);
}

KernelTime ComputeModel::fused_attention(double flops, double d_head, double sequence) const {
  if (!(flops > 0)) return {};
  // Measured at head size 64 and 128 (linear between, the nearer one outside) and long sequences; shorter
  // sequences run slower, log-linearly down to the 512-token figure (flash-attention benchmark plots).
  const double x = std::clamp((d_head - 64.0) / 64.0, 0.0, 1.0);
  const double long_fraction =
      formats_.fused_attention_d64 + x * (formats_.fused_attention_d128 - formats_.fused_attention_d64);
  const double y = std::clamp(std::log(sequence / 512.0) / std::log(16384.0 / 512.0), 0.0, 1.0);
  const double fraction = long_fraction * (formats_.fused_attention_short_factor +
                                           y * (1.0 - formats_.fused_attention_short_factor));
  const double seconds =
      formats_.matmul.kernel_overhead_s + flops / (fraction * formats_.bf16_peak_flop_per_s);
  return from({seconds}, false, OpFamily::kAttention);
}

KernelTime ComputeModel::stream(double bytes, OpFamily family) const {
  return from({kernels::stream_time_s(formats_.matmul, bytes)}, bytes > 0, family);
}

KernelTime ComputeModel::quantize(double elements, bool backward) const {
  const double bytes = backward ? formats_.quantize_grad_bytes : formats_.quantize_input_bytes;
  return bytes > 0 ? stream(elements * bytes) : KernelTime{};
}

KernelTime ComputeModel::moe_kernel(kernels::KernelKind kind, const kernels::KernelShape& shape) const {
  if (shape.tokens <= 0) return {};
  using kernels::KernelKind;
  const bool matmul =
      kind == KernelKind::kRouterGemm || kind == KernelKind::kExpertUp || kind == KernelKind::kExpertDown;
  const OpFamily family = kind == KernelKind::kRouterGemm ? OpFamily::kGemm
                          : matmul                        ? OpFamily::kGroupedGemm
                                                          : OpFamily::kElementwise;
  if (formats_.profile_applies) return from(profiled_.kernel(kind, shape), !matmul, family);
  // Other formats: the same kernels in the scenario's formats, shape model only.
  const double E = std::max(1, shape.experts), copies = static_cast<double>(shape.tokens) * shape.k;
  const double a = formats_.activation_bytes;
  switch (kind) {
    case KernelKind::kRouterGemm:
      return gemm_outside_recipe(static_cast<double>(shape.tokens), shape.experts, shape.d_model);
    case KernelKind::kExpertUp:
      return grouped_gemm(copies / E, (shape.glu ? 2.0 : 1.0) * shape.d_ff, shape.d_model, E);
    case KernelKind::kExpertDown:
      return grouped_gemm(copies / E, shape.d_model, shape.d_ff, E);
    case KernelKind::kGating:  // fp32 logits in any format
      return stream(kernels::kernel_bytes(kind, shape));
    case KernelKind::kDispatch:
    case KernelKind::kCombine:
      return stream(kernels::kernel_bytes(kind, shape) * a / 2.0);  // kernel_bytes counts bf16 rows
  }
  return {};
}

}  // namespace moesim::sim
