// moesim kernels — plain C++ references of every MoE-layer kernel, with the interface of the CUDA kernels.
// They define what the GPU must compute: the tests compare the two on fresh random inputs, exactly for the
// routing, the dispatch and the combine, within stated error bounds for the GEMMs.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/moe_routing.h"
#include "kernels/portable_math.h"

namespace moesim::kernels {

/// Epilogue of the first expert GEMM.
enum class Activation {
  kNone,   ///< plain GEMM (second expert GEMM, router)
  kGelu,   ///< GeLU, exact erf form (Hendrycks & Gimpel 2016), as in GShard/Switch FFNs
  kGeglu,  ///< GLU variant GEGLU (Shazeer 2020): gelu(x·W_gate) ⊙ (x·W_up). W is [K][2N] with gate and up
           ///< columns interleaved in blocks of kGluBlock: columns [2bB, 2bB+B) gate, [2bB+B, 2bB+2B) up.
};
inline constexpr int kGluBlock = 64;

/// Output columns of a GEMM with N weight columns under `act` (N/2 for GEGLU).
inline int activation_out_cols(Activation act, int n) {
  return act == Activation::kGeglu ? n / 2 : n;
}

/// GeLU in fp32 (erf form), the epilogue both sides apply.
float gelu_ref(float x);

/// Router logits: x [T][d] bf16 times w [d][E] bf16, fp32 result accumulated in double.
std::vector<float> router_logits_cpu(const std::vector<bf16_bits>& x, const std::vector<bf16_bits>& w,
                                     int tokens, int d_model, int experts);

/// Gating: softmax, top-k, renormalisation, capacity, drops and the aux loss (see Routing). Bit-identical to
/// the CUDA gating kernels: same lane layout and summation order (portable_math.h).
Routing route_cpu(const std::vector<float>& logits, const GatingConfig& cfg);

/// Dispatch: copies token rows of x [T][d] to their dispatched rows, [total_kept][d].
std::vector<bf16_bits> dispatch_cpu(const std::vector<bf16_bits>& x, const Routing& r, int d_model);

/// Combine: out[t] = Σ_j gate[t,j]·y[dest_row[t,j]] in fp32, j ascending, rounded once to bf16.
std::vector<bf16_bits> combine_cpu(const std::vector<bf16_bits>& y_rows, const Routing& r, int d_model);

/// Reference of one grouped expert GEMM: rows [R][K] bf16 grouped by expert (offset [E+1]) times w [E][K][N]
/// bf16, then the activation. `value` holds the exact result (double, before bf16 rounding) and
/// `abs_sum` Σ_k |a·b| per output (for GEGLU the larger of the two factors' sums), which bounds the fp32
/// accumulation error of the GPU: |fl(Σ) − Σ| <= K·2^-24·Σ|a·b| (Higham, Accuracy and Stability, §3.1).
struct GemmReference {
  int rows = 0, out_cols = 0;
  std::vector<double> value;
  std::vector<double> abs_sum;
};
GemmReference expert_gemm_cpu(const std::vector<bf16_bits>& rows, const std::vector<int32_t>& offset,
                              const std::vector<bf16_bits>& w, int experts, int k_dim, int n_cols,
                              Activation act);

/// Largest violation of the bf16 GEMM bound: max over outputs of |gpu − ref| / (2^-8·|ref| + K·2^-23·abs_sum
/// + 1e-30); <= 1 passes. The terms: one bf16 rounding of the output (half an ulp, 2^-9 relative; 2^-8 leaves
/// room for the activation's fp32 error) and the fp32 accumulation bound doubled.
double gemm_bound_ratio(const std::vector<bf16_bits>& gpu, const GemmReference& ref, int k_dim);

/// ‖gpu − ref‖₂ / ‖ref‖₂ of a GEMM result.
double gemm_rel_l2(const std::vector<bf16_bits>& gpu, const GemmReference& ref);

/// Random bf16 tensor in [-scale, scale) from the counter RNG (same values as the GPU filler).
std::vector<bf16_bits> random_bf16(size_t n, uint64_t seed, uint64_t stream, float scale);

/// Random router logits: log p_e + Gumbel noise with p_e ∝ (e+1)^-zipf_s, so that the arg-max expert
/// follows p (Gumbel-max trick); zipf_s = 0 gives uniform routing.
std::vector<float> random_logits(int tokens, int experts, double zipf_s, uint64_t seed);

}  // namespace moesim::kernels
