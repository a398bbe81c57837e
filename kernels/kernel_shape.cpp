#include "kernels/kernel_shape.h"

#include <array>
#include <cmath>

namespace moesim::kernels {
namespace {
constexpr std::array<const char*, kNumKernelKinds> kNames{"router_gemm", "gating",      "dispatch",
                                                          "expert_up",   "expert_down", "combine"};
constexpr double kBf16 = 2.0, kF32 = 4.0, kI32 = 4.0;
}  // namespace

const char* to_string(KernelKind kind) {
  return kNames[static_cast<int>(kind)];
}

std::optional<KernelKind> kernel_kind_from_string(std::string_view name) {
  for (int i = 0; i < kNumKernelKinds; ++i)
    if (name == kNames[i]) return static_cast<KernelKind>(i);
  return std::nullopt;
}

double kernel_flops(KernelKind kind, const KernelShape& s) {
  const double T = static_cast<double>(s.tokens), copies = T * s.k;
  switch (kind) {
    case KernelKind::kRouterGemm:
      return 2.0 * T * s.d_model * s.experts;
    case KernelKind::kExpertUp:
      return 2.0 * copies * s.d_model * s.d_ff * (s.glu ? 2.0 : 1.0);
    case KernelKind::kExpertDown:
      return 2.0 * copies * s.d_ff * s.d_model;
    case KernelKind::kCombine:
      return 2.0 * copies * s.d_model;
    case KernelKind::kGating:
    case KernelKind::kDispatch:
      return 0.0;
  }
  return 0.0;
}

double kernel_bytes(KernelKind kind, const KernelShape& s) {
  const double T = static_cast<double>(s.tokens), copies = T * s.k, E = s.experts;
  const double d = s.d_model, f = s.d_ff;
  switch (kind) {
    case KernelKind::kRouterGemm:
      return T * d * kBf16 + d * E * kBf16 + T * E * kF32;
    case KernelKind::kGating:  // logits in; expert, gate, row per copy out
      return T * E * kF32 + copies * (kI32 + kF32 + kI32);
    case KernelKind::kDispatch:
      return T * d * kBf16 + copies * d * kBf16 + copies * kI32;
    case KernelKind::kExpertUp:
      return copies * d * kBf16 + E * d * f * (s.glu ? 2.0 : 1.0) * kBf16 + copies * f * kBf16;
    case KernelKind::kExpertDown:
      return copies * f * kBf16 + E * f * d * kBf16 + copies * d * kBf16;
    case KernelKind::kCombine:
      return copies * d * kBf16 + T * d * kBf16 + copies * (kI32 + kF32);
  }
  return 0.0;
}

bool same_shape_family(KernelKind kind, const KernelShape& a, const KernelShape& b) {
  const bool zipf = std::fabs(a.zipf_s - b.zipf_s) < 1e-9;
  switch (kind) {
    case KernelKind::kRouterGemm:
      return a.d_model == b.d_model && a.experts == b.experts;
    case KernelKind::kGating:
      return a.experts == b.experts && a.k == b.k && zipf;
    case KernelKind::kDispatch:
    case KernelKind::kCombine:
      return a.d_model == b.d_model && a.k == b.k;
    case KernelKind::kExpertUp:
      return a.d_model == b.d_model && a.d_ff == b.d_ff && a.experts == b.experts && a.k == b.k &&
             a.glu == b.glu && zipf;
    case KernelKind::kExpertDown:
      return a.d_model == b.d_model && a.d_ff == b.d_ff && a.experts == b.experts && a.k == b.k && zipf;
  }
  return false;
}

}  // namespace moesim::kernels
