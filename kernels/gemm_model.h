// moesim kernels — the shape model of a matrix product on one chip: how long a GEMM of a given shape takes
// when nothing was measured at that shape.
//
// GPU (NVIDIA "Matrix Multiplication Background User's Guide", DU-09799-001, §3.1 tile and §3.2 wave
// quantization): the output is cut into thread-block tiles (128x128, 128x256 or 256x128, the tile sizes the
// guide and CUTLASS's defaults use); a partial tile costs a full one; the tiles run on the SMs in waves of
// at most one tile per SM, and each wave takes one tile's time at the chip's achievable rate (its measured
// "maximum achievable matmul FLOPS" spread over its SMs). When there are fewer tiles than SMs the library
// splits the reduction dimension (split-K, CUTLASS "parallelized reductions"), paying for the fp32
// partial sums in memory. The best of these choices is taken, as cuBLAS's heuristics pick a kernel.
// TPU (jax-ml/scaling-book tpus.md): each MXU is a 128x128 systolic array; both weight dimensions are
// padded to 128, rows are fed 8 at a time; the 128x128 weight blocks are spread over the MXUs of a
// TensorCore and the rows over the chip's TensorCores; fp32 runs as several bf16 passes (in the peak).
// Both: the product can never run faster than moving its operands once through HBM at the streaming rate
// (roofline, Williams, Waterman, Patterson, CACM 2009), and every kernel pays a fixed overhead.
#pragma once

namespace moesim::kernels {

/// One chip's matrix unit and memory in one number format, as the shape model needs them.
struct ChipModel {
  enum class Unit { kGpuSm, kTpuMxu };
  Unit unit = Unit::kGpuSm;
  int units = 1;                 ///< GPU: streaming multiprocessors; TPU: MXUs per TensorCore
  int cores = 1;                 ///< TPU: TensorCores per chip; GPU: 1
  int mxu_dim = 128;             ///< TPU: side of the systolic array
  double peak_flop_per_s = 0;    ///< dense peak of the format in use (whole chip)
  double ceiling = 1;            ///< achievable fraction of that peak on the best shape
  double hbm_Bps = 0;            ///< memory bandwidth, bytes/s
  double hbm_efficiency = 1;     ///< achieved fraction of hbm_Bps by a streaming kernel
  double kernel_overhead_s = 0;  ///< fixed cost per kernel
};

/// The shape of one kernel of `groups` independent products C[m,n] = A[m,k] · B[k,n] (grouped expert GEMMs:
/// one group per expert; batched attention products: one per sequence and head). Element sizes in bytes.
struct GemmShape {
  double m = 0, n = 0, k = 0;
  double groups = 1;
  double a_bytes = 2, b_bytes = 2, c_bytes = 2;
};

/// The estimate and how it came about.
struct GemmEstimate {
  double time_s = 0;     ///< kernel_overhead + max(compute, memory)
  double compute_s = 0;  ///< quantised tiles (or MXU passes) at the achievable rate
  double memory_s = 0;   ///< operands and result once through HBM
  double flops = 0;      ///< useful FLOPs: 2·m·n·k·groups
  double bytes = 0;      ///< groups · (m·k·a + k·n·b + m·n·c)
  bool memory_bound() const { return memory_s > compute_s; }
  int tile_m = 0, tile_n = 0, split_k = 1;  ///< GPU: the chosen tile and split
  double waves = 0;                         ///< GPU: waves of tiles; TPU: passes of weight blocks
};

/// Time of one GEMM kernel of `shape` on `chip`. Empty shapes (m, n or k <= 0) take no time.
GemmEstimate estimate_gemm(const ChipModel& chip, const GemmShape& shape);

/// Time of a kernel that streams `bytes` through HBM and does negligible arithmetic (norms, activations,
/// softmax, dropout, residual adds, copies): overhead + bytes / (hbm_Bps · hbm_efficiency).
double stream_time_s(const ChipModel& chip, double bytes);

}  // namespace moesim::kernels
