// moesim kernels — the CUDA kernels of one MoE layer (host API). Pointers are device pointers; bf16 tensors
// are passed as their raw bits (bf16_bits). Every function checks its CUDA/cuBLAS calls (cuda_check.h).
// Semantics are those of the CPU references in cpu_reference.h.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/cpu_reference.h"
#include "kernels/cuda_check.h"
#include "kernels/gating_core.h"
#include "kernels/moe_routing.h"

namespace moesim::kernels {

/// True when a CUDA device is present; otherwise `why` says why not.
bool gpu_available(std::string* why);

/// Owning device array.
template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(size_t n) : n_(n) {
    if (n) MOESIM_CUDA_CHECK(cudaMalloc(&p_, n * sizeof(T)));
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& o) noexcept : p_(o.p_), n_(o.n_) { o.p_ = nullptr, o.n_ = 0; }
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    std::swap(p_, o.p_);
    std::swap(n_, o.n_);
    return *this;
  }
  ~DeviceBuffer() {
    if (p_) cudaFree(p_);
  }
  T* get() const { return p_; }
  size_t size() const { return n_; }
  void upload(const std::vector<T>& v) {
    if (v.size() > n_) throw std::invalid_argument("DeviceBuffer::upload: too many elements");
    MOESIM_CUDA_CHECK(cudaMemcpy(p_, v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice));
  }
  std::vector<T> download(size_t n) const {
    std::vector<T> v(n);
    if (n) MOESIM_CUDA_CHECK(cudaMemcpy(v.data(), p_, n * sizeof(T), cudaMemcpyDeviceToHost));
    return v;
  }
  std::vector<T> download() const { return download(n_); }
  /// Fills with the byte pattern 0xFF ("poison") so that unwritten outputs show up in tests.
  void poison() {
    if (n_) MOESIM_CUDA_CHECK(cudaMemset(p_, 0xFF, n_ * sizeof(T)));
  }

 private:
  T* p_ = nullptr;
  size_t n_ = 0;
};

/// Device state of one routing (GatingConfig), written by gating_gpu and read by dispatch/combine.
struct GpuRouting {
  explicit GpuRouting(const GatingConfig& cfg);
  GatingParams params;
  int num_blocks;                                      ///< gating blocks of kGatingBlockTokens tokens
  DeviceBuffer<int32_t> expert, local_rank, dest_row;  // [T·k]
  DeviceBuffer<float> gate;                            // [T·k]
  DeviceBuffer<int32_t> blk_count, pos_base;           // [blocks][k][E]
  DeviceBuffer<float> blk_prob;                        // [blocks][E]
  DeviceBuffer<int32_t> requested, kept, offset;       // [E], [E], [E+1]
  DeviceBuffer<float> aux_loss;                        // [1]
  /// Copies the routing to the host (dest_row is written by dispatch_gpu).
  Routing download() const;
};

/// logits [T][E] fp32 = x [T][d] · w [d][E] (cuBLAS, bf16 in, fp32 accumulate and out).
void router_logits_gpu(cublasHandle_t h, const bf16_bits* x, const bf16_bits* w, float* logits, int tokens,
                       int d_model, int experts, cudaStream_t s);

/// Gating kernel variants, bit-identical in every output: one thread per token (a serial loop over experts),
/// or one warp per token (lanes over experts, warp arg-max top-k; not yet validated on a GPU).
enum class GatingImpl { kThreadPerToken, kWarpPerToken };

/// Fused gating: softmax, top-k, gates, per-block ranks and counts, then a one-block scan that gives each
/// expert's positions, counts, kept counts, offsets and the aux loss. Two launches.
void gating_gpu(const float* logits, GpuRouting& r, cudaStream_t s,
                GatingImpl impl = GatingImpl::kThreadPerToken);

/// Dispatch: each token row of x [T][d] to its dest rows (computed here from the scan, also written to
/// r.dest_row); rows [total_kept][d]. One warp per token, 16-byte copies, no atomics.
void dispatch_gpu(const bf16_bits* x, int d_model, GpuRouting& r, bf16_bits* rows, cudaStream_t s);

/// Combine: out [T][d] = Σ_j gate·y[dest_row] in fp32, j ascending (needs dispatch_gpu's dest_row).
void combine_gpu(const bf16_bits* y_rows, int d_model, const GpuRouting& r, bf16_bits* out, cudaStream_t s);

/// Implementations of the grouped expert GEMM.
enum class GemmImpl {
  kOwn,            ///< this library's tensor-core kernel (wmma, cp.async 3-stage pipeline, fused epilogue)
  kCublasLoop,     ///< one cublasGemmEx per expert (+ an epilogue kernel for the activation)
  kCublasGrouped,  ///< one cublasGemmGroupedBatchedEx; Activation::kNone only (see the constructor)
};
const char* to_string(GemmImpl impl);

/// Grouped GEMM over experts: out[r] = act(rows[r] · w[e]) for the rows r of expert e (offsets [E+1]).
/// rows [R][K] bf16, w [E][K][N] bf16 (GEGLU layout in cpu_reference.h), out [R][out_cols] bf16.
/// Requires K % 64 == 0 and N % 128 == 0 (std::invalid_argument otherwise).
class ExpertGemm {
 public:
  ExpertGemm(GemmImpl impl, int experts, int k_dim, int n_cols, Activation act, int max_rows);
  ~ExpertGemm();
  ExpertGemm(const ExpertGemm&) = delete;
  ExpertGemm& operator=(const ExpertGemm&) = delete;
  /// d_offset: the offsets on the device (own kernel: no host synchronisation); h_offset: the same on the
  /// host (cuBLAS needs the sizes on the host).
  void run(const bf16_bits* rows, const int32_t* d_offset, const std::vector<int32_t>& h_offset,
           const bf16_bits* w, bf16_bits* out, cudaStream_t s);
  int out_cols() const { return activation_out_cols(act_, n_); }

 private:
  GemmImpl impl_;
  int experts_, k_, n_;
  Activation act_;
  int max_rows_;
  cublasHandle_t handle_ = nullptr;
  DeviceBuffer<int32_t> tile_offset_;
  DeviceBuffer<float> scratch_;     // cuBLAS with an activation: fp32 pre-activation
  DeviceBuffer<const void*> ptrs_;  // cuBLAS grouped: A, B, C pointer arrays
};

/// Fills p[0..n) with rng_bf16(seed, stream, i, scale) (bit-identical to random_bf16).
void fill_random_bf16_gpu(bf16_bits* p, size_t n, uint64_t seed, uint64_t stream, float scale,
                          cudaStream_t s);
/// Router logits log p_e + Gumbel noise, p_e ∝ (e+1)^-zipf_s (as random_logits, up to float rounding).
void fill_random_logits_gpu(float* p, int tokens, int experts, double zipf_s, uint64_t seed, cudaStream_t s);

}  // namespace moesim::kernels
