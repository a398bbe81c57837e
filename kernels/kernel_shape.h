// moesim kernels — the kernels of one MoE layer on one device, the shape of a call, and its FLOP and byte
// counts (each input read once, each output written once), used by the profiler and the cost model.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moesim::kernels {

/// One kernel of the MoE layer's forward pass.
enum class KernelKind {
  kRouterGemm,  ///< logits = x · W_router, [T, d] × [d, E], bf16 in, fp32 out
  kGating,      ///< softmax, top-k, capacity, positions, aux loss (from the logits)
  kDispatch,    ///< copy each token row to its k expert rows (counting-sort order)
  kExpertUp,    ///< grouped GEMM [T·k, d] × [E, d, f (2f for GLU)] + GeLU/GEGLU epilogue
  kExpertDown,  ///< grouped GEMM [T·k, f] × [E, f, d]
  kCombine,     ///< weighted sum of each token's k expert outputs
};
inline constexpr int kNumKernelKinds = 6;

const char* to_string(KernelKind kind);
std::optional<KernelKind> kernel_kind_from_string(std::string_view name);

/// The shape of one kernel call. tokens = tokens on the device before routing; experts = experts on the
/// device; copies = tokens·k (the profile and the model assume no drops). zipf_s: routing skew, expert e
/// gets a share ∝ (e+1)^-zipf_s (0 = uniform). Fields a kernel does not depend on are ignored.
struct KernelShape {
  int64_t tokens = 0;
  int d_model = 0;
  int d_ff = 0;
  int experts = 0;
  int k = 1;
  bool glu = false;
  double zipf_s = 0.0;
};

/// Floating-point operations of a call (multiply-adds count 2; 0 for pure data movement).
double kernel_flops(KernelKind kind, const KernelShape& s);
/// Fewest bytes a call must move through device memory.
double kernel_bytes(KernelKind kind, const KernelShape& s);

/// True when `a` and `b` are the same shape for `kind` up to the token count (the fields that kind uses).
bool same_shape_family(KernelKind kind, const KernelShape& a, const KernelShape& b);

}  // namespace moesim::kernels
