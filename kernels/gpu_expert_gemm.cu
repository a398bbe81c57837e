// moesim kernels — grouped expert GEMM (own tensor-core kernel and cuBLAS baselines) and the router GEMM.
#include <cuda_bf16.h>
#include <mma.h>

#include <algorithm>

#include "kernels/gpu_moe.h"

namespace moesim::kernels {
namespace {

using namespace nvcuda;

constexpr int BM = 128, BN = 128, BK = 64, STAGES = 3, THREADS = 256;
constexpr int A_LD = BK + 8;  // padded rows (elements): a 144-byte pitch spreads ldmatrix rows over banks
constexpr int B_LD = BN + 8;
constexpr int A_STAGE = BM * A_LD, B_STAGE = BK * B_LD;
constexpr size_t kSmemBytes = static_cast<size_t>(STAGES) * (A_STAGE + B_STAGE) * sizeof(__nv_bfloat16);
static_assert(kGluBlock == 64 && BN == 2 * kGluBlock, "GEGLU pairs gate/up halves of one BN tile");

__device__ __forceinline__ void cp_async16(void* smem, const void* gmem, bool valid) {
  const unsigned dst = static_cast<unsigned>(__cvta_generic_to_shared(smem));
  const int src_bytes = valid ? 16 : 0;  // 0: zero-fill (rows past the expert's last row)
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(gmem), "r"(src_bytes));
}
__device__ __forceinline__ void cp_async_commit() {
  asm volatile("cp.async.commit_group;\n" ::);
}
template <int N>
__device__ __forceinline__ void cp_async_wait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(N));
}

__device__ __forceinline__ float gelu_dev(float x) {
  return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f));
}

// Tile schedule: tile_offset[e] = Σ_{e'<e} ceil(rows_e'/BM). One thread (E <= 256).
__global__ void tile_offset_kernel(const int32_t* __restrict__ offset, int experts,
                                   int32_t* __restrict__ tile_offset) {
  int acc = 0;
  for (int e = 0; e < experts; ++e) {
    tile_offset[e] = acc;
    acc += (offset[e + 1] - offset[e] + BM - 1) / BM;
  }
  tile_offset[experts] = acc;
}

// Grouped GEMM: block (n_tile, m_tile) computes a BM×BN tile of expert e's rows; 8 warps as 2 (M) × 4 (N),
// each 64 rows × two 16-column fragments at columns wn·16 and 64 + wn·16 (so that a warp holds the gate and
// up halves of the same GEGLU outputs). bf16 wmma 16×16×16, fp32 accumulators, 3-stage cp.async pipeline of
// 64-deep K slices.
__global__ void __launch_bounds__(THREADS)
    grouped_gemm_kernel(const __nv_bfloat16* __restrict__ A, const int32_t* __restrict__ offset,
                        const int32_t* __restrict__ tile_offset, const __nv_bfloat16* __restrict__ W,
                        __nv_bfloat16* __restrict__ out, int experts, int K, int N, int act) {
  extern __shared__ __align__(128) unsigned char smem_raw[];
  __nv_bfloat16* smem = reinterpret_cast<__nv_bfloat16*>(smem_raw);
  const int m_tile = blockIdx.y;
  if (m_tile >= tile_offset[experts]) return;
  int lo = 0, hi = experts - 1;
  while (lo < hi) {
    const int mid = (lo + hi + 1) / 2;
    if (tile_offset[mid] <= m_tile)
      lo = mid;
    else
      hi = mid - 1;
  }
  const int e = lo;
  const int row0 = offset[e] + (m_tile - tile_offset[e]) * BM, row_end = offset[e + 1];
  const int n0 = blockIdx.x * BN;
  const __nv_bfloat16* Wb = W + static_cast<int64_t>(e) * K * N;
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
  const int wm = warp >> 2, wn = warp & 3;

  auto load_stage = [&](int stage, int kt) {
    __nv_bfloat16* As = smem + stage * (A_STAGE + B_STAGE);
    __nv_bfloat16* Bs = As + A_STAGE;
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int c = tid + i * THREADS;  // 1024 16-byte chunks of A: 128 rows × 8
      const int r = c >> 3, col = (c & 7) * 8;
      const int gr = row0 + r;
      const bool valid = gr < row_end;
      cp_async16(As + r * A_LD + col, A + static_cast<int64_t>(valid ? gr : row0) * K + kt * BK + col, valid);
    }
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int c = tid + i * THREADS;  // 1024 chunks of B: 64 rows × 16
      const int r = c >> 4, col = (c & 15) * 8;
      cp_async16(Bs + r * B_LD + col, Wb + static_cast<int64_t>(kt * BK + r) * N + n0 + col, true);
    }
  };

  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[4][2];
#pragma unroll
  for (int i = 0; i < 4; ++i)
#pragma unroll
    for (int j = 0; j < 2; ++j) wmma::fill_fragment(acc[i][j], 0.0f);

  const int KT = K / BK;
#pragma unroll
  for (int s = 0; s < STAGES - 1; ++s) {
    if (s < KT) load_stage(s, s);
    cp_async_commit();
  }
  for (int kt = 0; kt < KT; ++kt) {
    cp_async_wait<STAGES - 2>();
    __syncthreads();
    const int next = kt + STAGES - 1;
    if (next < KT) load_stage(next % STAGES, next);
    cp_async_commit();
    const __nv_bfloat16* As = smem + (kt % STAGES) * (A_STAGE + B_STAGE);
    const __nv_bfloat16* Bs = As + A_STAGE;
#pragma unroll
    for (int kk = 0; kk < BK; kk += 16) {
      wmma::fragment<wmma::matrix_a, 16, 16, 16, __nv_bfloat16, wmma::row_major> a[4];
      wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::row_major> b[2];
#pragma unroll
      for (int i = 0; i < 4; ++i) wmma::load_matrix_sync(a[i], As + (wm * 64 + i * 16) * A_LD + kk, A_LD);
#pragma unroll
      for (int j = 0; j < 2; ++j) wmma::load_matrix_sync(b[j], Bs + kk * B_LD + j * 64 + wn * 16, B_LD);
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 2; ++j) wmma::mma_sync(acc[i][j], a[i], b[j], acc[i][j]);
    }
  }
  cp_async_wait<0>();
  __syncthreads();

  // Epilogue through a per-warp 2×16×16 fp32 scratch; each lane writes 8 consecutive outputs (16 bytes).
  float* scratch = reinterpret_cast<float*>(smem_raw) + warp * 512;
  const int r = lane >> 1, c0 = (lane & 1) * 8;
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int grow = row0 + wm * 64 + i * 16 + r;
    if (act == static_cast<int>(Activation::kGeglu)) {
      wmma::store_matrix_sync(scratch, acc[i][0], 16, wmma::mem_row_major);
      wmma::store_matrix_sync(scratch + 256, acc[i][1], 16, wmma::mem_row_major);
      __syncwarp();
      if (grow < row_end) {
        uint32_t w[4];
#pragma unroll
        for (int q = 0; q < 4; ++q) {
          const float v0 = gelu_dev(scratch[r * 16 + c0 + 2 * q]) * scratch[256 + r * 16 + c0 + 2 * q];
          const float v1 =
              gelu_dev(scratch[r * 16 + c0 + 2 * q + 1]) * scratch[256 + r * 16 + c0 + 2 * q + 1];
          w[q] = static_cast<uint32_t>(float_to_bf16(v0)) | (static_cast<uint32_t>(float_to_bf16(v1)) << 16);
        }
        const int col = blockIdx.x * (BN / 2) + wn * 16 + c0;
        *reinterpret_cast<uint4*>(out + static_cast<int64_t>(grow) * (N / 2) + col) =
            make_uint4(w[0], w[1], w[2], w[3]);
      }
      __syncwarp();
    } else {
#pragma unroll
      for (int j = 0; j < 2; ++j) {
        wmma::store_matrix_sync(scratch, acc[i][j], 16, wmma::mem_row_major);
        __syncwarp();
        if (grow < row_end) {
          uint32_t w[4];
#pragma unroll
          for (int q = 0; q < 4; ++q) {
            float v0 = scratch[r * 16 + c0 + 2 * q], v1 = scratch[r * 16 + c0 + 2 * q + 1];
            if (act == static_cast<int>(Activation::kGelu)) v0 = gelu_dev(v0), v1 = gelu_dev(v1);
            w[q] =
                static_cast<uint32_t>(float_to_bf16(v0)) | (static_cast<uint32_t>(float_to_bf16(v1)) << 16);
          }
          const int col = n0 + j * 64 + wn * 16 + c0;
          *reinterpret_cast<uint4*>(out + static_cast<int64_t>(grow) * N + col) =
              make_uint4(w[0], w[1], w[2], w[3]);
        }
        __syncwarp();
      }
    }
  }
}

// Epilogue of the cuBLAS paths: fp32 pre-activation [R][N] → bf16 [R][out_cols].
__global__ void activation_kernel(const float* __restrict__ pre, int rows, int N, int act,
                                  __nv_bfloat16* __restrict__ out) {
  const int out_cols = act == static_cast<int>(Activation::kGeglu) ? N / 2 : N;
  const int64_t total = static_cast<int64_t>(rows) * out_cols;
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t r = i / out_cols;
    const int c = static_cast<int>(i % out_cols);
    float v;
    if (act == static_cast<int>(Activation::kGeglu)) {
      const int g = 2 * (c / kGluBlock) * kGluBlock + c % kGluBlock;
      v = gelu_dev(pre[r * N + g]) * pre[r * N + g + kGluBlock];
    } else {
      v = pre[r * N + c];
      if (act == static_cast<int>(Activation::kGelu)) v = gelu_dev(v);
    }
    out[i] = __float2bfloat16_rn(v);
  }
}

}  // namespace

const char* to_string(GemmImpl impl) {
  switch (impl) {
    case GemmImpl::kOwn:
      return "own";
    case GemmImpl::kCublasLoop:
      return "cublas";
    case GemmImpl::kCublasGrouped:
      return "cublas_grouped";
  }
  return "?";
}

void router_logits_gpu(cublasHandle_t h, const bf16_bits* x, const bf16_bits* w, float* logits, int tokens,
                       int d_model, int experts, cudaStream_t s) {
  MOESIM_CUBLAS_CHECK(cublasSetStream(h, s));
  const float one = 1.0f, zero = 0.0f;
  // Row-major logits[T][E] = x[T][d]·w[d][E] is column-major logitsᵀ = wᵀ·xᵀ.
  MOESIM_CUBLAS_CHECK(cublasGemmEx(h, CUBLAS_OP_N, CUBLAS_OP_N, experts, tokens, d_model, &one, w,
                                   CUDA_R_16BF, experts, x, CUDA_R_16BF, d_model, &zero, logits, CUDA_R_32F,
                                   experts, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
}

ExpertGemm::ExpertGemm(GemmImpl impl, int experts, int k_dim, int n_cols, Activation act, int max_rows)
    : impl_(impl), experts_(experts), k_(k_dim), n_(n_cols), act_(act), max_rows_(max_rows) {
  if (k_dim % BK || n_cols % BN || experts < 1 || experts > kMaxExperts || max_rows < 0)
    throw std::invalid_argument("ExpertGemm: needs K % 64 == 0, N % 128 == 0, 1 <= experts <= 256");
  if (impl == GemmImpl::kCublasGrouped && act != Activation::kNone)
    throw std::invalid_argument(
        "ExpertGemm: cublasGemmGroupedBatchedEx (CUDA 13.0) refuses fp32 output for bf16 inputs "
        "(CUBLAS_STATUS_NOT_SUPPORTED, measured on the H100), so the grouped baseline has no activation "
        "epilogue");
  tile_offset_ = DeviceBuffer<int32_t>(experts + 1);
  if (impl != GemmImpl::kOwn) {
    MOESIM_CUBLAS_CHECK(cublasCreate(&handle_));
    if (act != Activation::kNone) scratch_ = DeviceBuffer<float>(static_cast<size_t>(max_rows) * n_cols);
    if (impl == GemmImpl::kCublasGrouped) ptrs_ = DeviceBuffer<const void*>(3 * static_cast<size_t>(experts));
  } else {
    MOESIM_CUDA_CHECK(cudaFuncSetAttribute(grouped_gemm_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                           static_cast<int>(kSmemBytes)));
  }
}

ExpertGemm::~ExpertGemm() {
  if (handle_) cublasDestroy(handle_);
}

void ExpertGemm::run(const bf16_bits* rows, const int32_t* d_offset, const std::vector<int32_t>& h_offset,
                     const bf16_bits* w, bf16_bits* out, cudaStream_t s) {
  const auto* A = reinterpret_cast<const __nv_bfloat16*>(rows);
  const auto* W = reinterpret_cast<const __nv_bfloat16*>(w);
  auto* O = reinterpret_cast<__nv_bfloat16*>(out);
  if (impl_ == GemmImpl::kOwn) {
    tile_offset_kernel<<<1, 1, 0, s>>>(d_offset, experts_, tile_offset_.get());
    MOESIM_CUDA_CHECK_LAUNCH();
    const dim3 grid(n_ / BN, (max_rows_ + BM - 1) / BM + experts_);
    grouped_gemm_kernel<<<grid, THREADS, kSmemBytes, s>>>(A, d_offset, tile_offset_.get(), W, O, experts_, k_,
                                                          n_, static_cast<int>(act_));
    MOESIM_CUDA_CHECK_LAUNCH();
    return;
  }
  if (static_cast<int>(h_offset.size()) != experts_ + 1 || h_offset.back() > max_rows_)
    throw std::invalid_argument("ExpertGemm::run: host offsets must have experts+1 entries within max_rows");
  MOESIM_CUBLAS_CHECK(cublasSetStream(handle_, s));
  const bool fp32_out = act_ != Activation::kNone;
  void* C = fp32_out ? static_cast<void*>(scratch_.get()) : static_cast<void*>(O);
  const cudaDataType_t ctype = fp32_out ? CUDA_R_32F : CUDA_R_16BF;
  const size_t c_elem = fp32_out ? 4 : 2;
  const float one = 1.0f, zero = 0.0f;
  if (impl_ == GemmImpl::kCublasLoop) {
    for (int e = 0; e < experts_; ++e) {
      const int m = h_offset[e + 1] - h_offset[e];
      if (m == 0) continue;
      MOESIM_CUBLAS_CHECK(cublasGemmEx(handle_, CUBLAS_OP_N, CUBLAS_OP_N, n_, m, k_, &one,
                                       W + static_cast<int64_t>(e) * k_ * n_, CUDA_R_16BF, n_,
                                       A + static_cast<int64_t>(h_offset[e]) * k_, CUDA_R_16BF, k_, &zero,
                                       static_cast<char*>(C) + static_cast<size_t>(h_offset[e]) * n_ * c_elem,
                                       ctype, n_, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
    }
  } else {
    std::vector<cublasOperation_t> op;
    std::vector<int> m, n, k, ld_a, ld_b, ld_c, size;
    std::vector<float> alpha, beta;
    std::vector<const void*> ptr_a, ptr_b, ptr_c;
    for (int e = 0; e < experts_; ++e) {
      const int rows_e = h_offset[e + 1] - h_offset[e];
      if (rows_e == 0) continue;
      op.push_back(CUBLAS_OP_N);
      m.push_back(n_), n.push_back(rows_e), k.push_back(k_);
      ld_a.push_back(n_), ld_b.push_back(k_), ld_c.push_back(n_), size.push_back(1);
      alpha.push_back(1.0f), beta.push_back(0.0f);
      ptr_a.push_back(W + static_cast<int64_t>(e) * k_ * n_);
      ptr_b.push_back(A + static_cast<int64_t>(h_offset[e]) * k_);
      ptr_c.push_back(static_cast<char*>(C) + static_cast<size_t>(h_offset[e]) * n_ * c_elem);
    }
    const int groups = static_cast<int>(op.size());
    if (groups > 0) {
      std::vector<const void*> all(ptr_a);
      all.insert(all.end(), ptr_b.begin(), ptr_b.end());
      all.insert(all.end(), ptr_c.begin(), ptr_c.end());
      // From pageable memory the copy is staged before the call returns, so `all` may die afterwards.
      MOESIM_CUDA_CHECK(
          cudaMemcpyAsync(ptrs_.get(), all.data(), all.size() * sizeof(void*), cudaMemcpyHostToDevice, s));
      const void* const* pa = ptrs_.get();
      MOESIM_CUBLAS_CHECK(cublasGemmGroupedBatchedEx(handle_, op.data(), op.data(), m.data(), n.data(),
                                                     k.data(), alpha.data(), pa, CUDA_R_16BF, ld_a.data(),
                                                     pa + groups, CUDA_R_16BF, ld_b.data(), beta.data(),
                                                     const_cast<void* const*>(pa + 2 * groups), ctype,
                                                     ld_c.data(), groups, size.data(), CUBLAS_COMPUTE_32F));
    }
  }
  if (fp32_out && h_offset.back() > 0) {
    const int64_t total = static_cast<int64_t>(h_offset.back()) * out_cols();
    const int blocks = static_cast<int>(std::min<int64_t>((total + 255) / 256, 132 * 16));
    activation_kernel<<<blocks, 256, 0, s>>>(scratch_.get(), h_offset.back(), n_, static_cast<int>(act_), O);
    MOESIM_CUDA_CHECK_LAUNCH();
  }
}

}  // namespace moesim::kernels
