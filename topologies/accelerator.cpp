#include "topologies/accelerator.h"

#include <array>
#include <stdexcept>
#include <utility>
#include <vector>

#include "topologies/accelerator_presets.h"

namespace moesim::topologies {
namespace {

// Sources (see /work/shared/reference/published-figures.md §5 and §9):
//  [GC3]  cloud.google.com/tpu/docs/v3 — TPU v3 chip peak, HBM, measured chip power min/mean/max.
//  [GC4]  cloud.google.com/tpu/docs/v4 — TPU v4 chip peak, HBM, measured chip power min/mean/max.
//  [PAT]  Patterson et al. 2021, "Carbon Emissions and Large Neural Network Training", arXiv 2104.10350:
//         Table 4 (chip TDP 450 W TPUv3 / 300 W V100), Table 3 (system average TPUv3 283 W, V100 325 W),
//         footnote 12 (peak 123 TFLOP/s TPUv3, 125 TFLOP/s V100).
//  [GLaM] Du et al. 2022 (arXiv 2112.06905): TPUv4 measured system average 326 W.
//  [JOU]  Jouppi et al., CACM 63(7) 2020: TPUv3 ICI 4 links x 656 Gb/s (taken as one direction).
//  [TK4]  glennklockwood.com/garden/processors/TPUv4: TPUv4 ICI 6 links, 400 Gb/s each direction.
//  [V100] NVIDIA Tesla V100 datasheet: 125 TFLOP/s tensor, 32 GB HBM2 at 900 GB/s, NVLink2 300 GB/s, 300 W.
//  [A100] NVIDIA A100 datasheet: 312 TFLOP/s bf16 dense, 80 GB HBM2e at 2,039 GB/s, NVLink3 600 GB/s, 400 W.
//  [H100] NVIDIA H100 SXM product page: 989 TFLOP/s bf16 dense, 80 GB HBM3 at 3.35 TB/s, NVLink4 900 GB/s
//         (18 links), 700 W.
//  [H200] MLCommons inference v4.1 H200-SXM-141GBx8 system JSON: 141 GB HBM3e, 900 GB/s NVLink, TGP 700 W;
//         4.8 TB/s (NVIDIA H200 page); same GH100 die as H100, hence 989 TFLOP/s.
//  [K40]  NVIDIA Tesla K40 datasheet: 4.29 TFLOP/s fp32 (no bf16), 12 GB GDDR5 at 288 GB/s, 235 W; PCIe 3.0
//         x16 = 15.75 GB/s per direction.
//  Compute (peaks per format, matrix-unit organisation, achieved ceilings):
//  [A100W] NVIDIA A100 datasheet: fp32 19.5, tf32 156, bf16/fp16 312, int8 624 TFLOP/s dense; 108 SMs.
//  [H100W] NVIDIA H100 SXM datasheet (sparse figures halved): fp32 67, tf32 494.5, bf16/fp16 989, fp8 1979,
//         int8 1979 TOPS dense; 132 SMs.
//  [V100W] NVIDIA V100 SXM2 datasheet: fp32 15.7, fp16 tensor 125 TFLOP/s; 80 SMs; no bf16, tf32 or fp8.
//  [K40W]  NVIDIA K40 datasheet: fp32 4.29 TFLOP/s; 15 SMX; no tensor cores.
//  [MAMF]  stas00/ml-engineering compute/accelerator/README.md, "Maximum Achievable Matmul FLOPS" (best
//         shape by brute force, torch matmul): bf16 A100 SXM 271.2 (86.9%), H100 SXM 794.5 (80.3%); fp8 H100
//         1402.6 (70.9%), H200 1453.4 (73.4%). No V100, K40 or TPU entry; no tf32/fp32/int8 entries.
//  [CLB]   clMathLibraries/clBLAS doc/performance/cuBLAS_7.0/Tesla_K40/sgemm.csv (its README.txt: cuBLAS
//         7.0, clocks at boost, square NT SGEMM, m = n = k from 32 to 5,760, mean of 10 samples after a
//         warm-up): best 3,315 GFLOP/s (4,608^3), 77.3% of the 4.29 TFLOP/s datasheet peak (base clock).
//  [AZ]    Azure/AI-benchmarking-guide, HBM STREAM triad: H100 2.97 TB/s (89% of 3.35), A100-80G 1.70 TB/s
//         (83% of 2.039), H200 4.15 TB/s (86% of 4.8).
//  [AZG]   Azure/AI-benchmarking-guide cuBLASLt GEMM sweeps, random data, M = N = K: A100 fp16 8192 254,
//         16384 257 TFLOP/s; H100 fp8 8192 1290, 16384 1377. H. He, "Strangely, Matrix Multiplications on
//         GPUs Run Faster When Given 'Predictable' Data" (thonking.ai, 2024): A100 8192^3 cuBLAS on randn
//         258 TFLOP/s (295 on zeros: clocks follow the data's switching power).
//  Ceilings: the shape model's tiles and waves give a product of 16384^3 no quantization loss, so its
//  ceiling is that product's sustained rate on random data where [AZG] measured it (A100 bf16/fp16, H100
//  fp8); MAMF's best shape of a brute-force search (the maximum of many short runs, 5% above [AZG] on the
//  A100, 2% on the H100 in fp8) otherwise.
//  [LAUNCH] kernels-state-of-the-art.md §0 (measured on an H100-class card): ~4 us per kernel issued from
//         PyTorch eager (1.3 us inside a CUDA graph); kernels/profiles/h100.json agrees: the smallest
//         dispatch (6.3 MB) takes 7.2 us, 2.1 us of which is moving its bytes.
//  [FA]    Dao-AILab/flash-attention benchmark plots (assets/*.png), FlashAttention-2 forward+backward,
//         non-causal: A100-80G d64 132 (seq 512) to 176 TFLOP/s (16k), d128 up to 203; H100 d64 215 to 296,
//         d128 248 to 338 TFLOP/s.
//  [FA3]   Shah et al. 2024, "FlashAttention-3" (arXiv 2407.08608), Figs. 5-6 (H100 80GB SXM5, FP16, no
//         causal mask): forward d64 333 (seq 512) to 497 TFLOP/s (16k), d128 467 to 648 (reference
//         collectives-and-compute.md §5.5); backward d64 272 to 474, d128 316 to 561. The same figures give
//         FlashAttention-2 forward 370 / backward 322 at d128, 16k: 334 TFLOP/s forward + backward, as [FA]'s
//         338.
//  [BOOK]  jax-ml/scaling-book tpus.md: 128x128 MXUs (2 per TensorCore on v3, 4 on v4), weights padded to
//         128 in both dimensions, LHS fed 8 rows at a time; profiling.md: a large matmul measured at 96 ms
//         against 95.6 ms at peak on TPU v2 (99.6%), the MXU ceiling used for TPU v3/v4 (same 128x128 MXU).
//  [XLAP]  Cloud TPU docs "bfloat16": "By default, TPUs perform matrix multiplication operations with
//         bfloat16 values and accumulations with IEEE float32" (jax-ml/jax#1856 likewise); higher precision
//         takes extra bf16 passes: 3 (Precision.HIGH, 'bf16_3x', JAX 'tensorfloat32') or 6 (HIGHEST, full
//         fp32) (JAX "Matmul precision" docs; PyTorch/XLA "Control MXU Floating Point Precision" tutorial).
//  [PT]    PyTorch CUDA semantics, TF32: torch.backends.cuda.matmul.allow_tf32 defaults to False (1.12+),
//         so an fp32 GEMM on a GPU runs in true fp32 unless the scenario says tf32.
//  Assumptions where our sources have no figure (stated, applied alike): chips with no matmul measurement
//  (V100) take A100's bf16 fraction; formats with no entry (fp32, tf32, int8) take the chip's bf16 fraction
//  (int8: its fp8 one); chips with no STREAM figure (V100, K40, TPUs) take 0.86, the mean of [AZ].
//  Power by activity state (ChipPowerStates). Measured per state only where a source has the figure:
//  [GC3]/[GC4] give each TPU chip's measured minimum and maximum, taken as idle and compute-bound. For the
//  GPUs our sources give only the TDP/TGP ([V100] [A100] [H100] [H200] [K40]), so every GPU state is derived
//  from it: compute-bound = TDP (training GEMMs run at the board power limit: their clocks follow the data's
//  switching power, DeepGEMM#116 in kernels-state-of-the-art.md); idle = 30% of TDP (no GPU idle figure in
//  our sources; the only chip with both, TPU v3, idles at 123 W of its 450 W TDP = 27% [GC3][PAT T4]). For
//  every chip, memory-bound = idle + 1/2 and communication = idle + 1/4 of (compute-bound - idle): stated
//  assumptions (no source of ours measures a chip in these states), applied alike, never fitted.
// NVLink "bidirectional" totals are halved to get one direction. GPU memory sizes are the datasheets' GB
// (1e9 bytes); TPU memory is documented in GiB.
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr double kStreamAssumed = 0.86;  // mean of [AZ] 0.89, 0.83, 0.86
constexpr double kLaunchGpu = 4e-6;      // [LAUNCH]
constexpr double kMxuCeiling = 0.996;    // [BOOK] 95.6 / 96 ms

constexpr double kIdleFractionOfTdp = 0.30;   // see "Power by activity state" above
constexpr double kMemoryBoundShare = 0.50;    // of the dynamic range (compute-bound - idle), assumed
constexpr double kCommunicationShare = 0.25;  // of the dynamic range, assumed

using F = NumberFormat;
constexpr std::size_t idx(NumberFormat f) {
  return static_cast<std::size_t>(f);
}

}  // namespace

namespace detail {

ChipPowerStates states_between(double idle_w, double compute_w, std::string_view basis) {
  const double range = compute_w - idle_w;
  return {compute_w, idle_w + kMemoryBoundShare * range, idle_w + kCommunicationShare * range, idle_w, basis};
}

ChipPowerStates states_from_tdp(double tdp_w, std::string_view basis) {
  return states_between(kIdleFractionOfTdp * tdp_w, tdp_w, basis);
}

std::array<MatmulFormat, kNumberFormats> tpu_formats(double bf16, double int8) {
  std::array<MatmulFormat, kNumberFormats> m{};
  m[idx(F::kBf16)] = {bf16, kMxuCeiling, 1};
  m[idx(F::kTf32)] = {bf16 / 3, kMxuCeiling, 3};
  m[idx(F::kFp32)] = {bf16 / 6, kMxuCeiling, 6};
  if (int8 > 0) m[idx(F::kInt8)] = {int8, kMxuCeiling, 1};
  return m;
}

ComputeArchitecture tpu_arch(int mxus_per_core, int cores, int mxu_dim) {
  ComputeArchitecture c;
  c.unit = MatrixUnit::kTpuMxu;
  c.units = mxus_per_core;  // [BOOK]
  c.cores = cores;
  c.mxu_dim = mxu_dim;  // [BOOK] 128, 256 on v6e
  c.hbm_stream_efficiency = kStreamAssumed;
  c.kernel_overhead_s = 0;  // one compiled XLA program per step: no per-kernel host launch
  c.fp32_matmul_default = NumberFormat::kBf16;  // [XLAP]
  return c;
}

ComputeArchitecture gpu_arch(int sms, double stream, std::string_view cuda_name) {
  ComputeArchitecture c;
  c.unit = MatrixUnit::kGpuSm;
  c.units = sms;
  c.hbm_stream_efficiency = stream;
  c.kernel_overhead_s = kLaunchGpu;
  c.fp32_matmul_default = NumberFormat::kFp32;  // [PT]
  c.cuda_name = cuda_name;
  return c;
}

}  // namespace detail

namespace {

using detail::gpu_arch;
using detail::states_between;
using detail::states_from_tdp;
using detail::tpu_formats;

ComputeArchitecture tpu_arch(int mxus_per_core) {
  return detail::tpu_arch(mxus_per_core, 2 /*[GC3][GC4] 2 TensorCores per chip*/, 128);
}

AcceleratorSpec tpuv3() {
  AcceleratorSpec a{"tpuv3",
                    "Google TPU v3 chip (2 TensorCores), 2D-torus ICI",
                    123e12 /*[GC3][PAT fn12]*/,
                    32 * kGiB /*[GC3]*/,
                    900e9 /*[GC3]*/,
                    4 * 656e9 / 8 /*[JOU]*/,
                    4 /*[JOU]*/,
                    450.0 /*TDP [PAT T4]*/,
                    123.0 /*min [GC3]*/,
                    220.0 /*mean [GC3]*/,
                    262.0 /*max [GC3]*/,
                    283.0 /*[PAT T3], +-10%*/,
                    {},
                    {}};
  a.matmul = tpu_formats(123e12, 0);  // v3 MXUs are bf16-only [GC3]
  a.compute = tpu_arch(2);            // [BOOK] 2 MXUs per TensorCore
  a.power_states = states_between(123.0, 262.0, "measured chip min/max [GC3]; memory, communication derived");
  return a;
}

AcceleratorSpec tpuv4() {
  AcceleratorSpec a{"tpuv4",
                    "Google TPU v4 chip (2 TensorCores), 3D-torus ICI with optical switches",
                    275e12 /*[GC4]*/,
                    32 * kGiB /*[GC4]*/,
                    1200e9 /*[GC4]*/,
                    6 * 400e9 / 8 /*[TK4]*/,
                    6 /*[TK4]*/,
                    std::nullopt /*no TDP in our sources*/,
                    90.0 /*min [GC4]*/,
                    170.0 /*mean [GC4]*/,
                    192.0 /*max [GC4]*/,
                    326.0 /*[GLaM]*/,
                    {},
                    {}};
  a.matmul = tpu_formats(275e12, 275e12);  // [GC4] 275 TFLOP/s bf16 or int8
  a.compute = tpu_arch(4);                 // [BOOK] 4 MXUs per TensorCore
  a.power_states = states_between(90.0, 192.0, "measured chip min/max [GC4]; memory, communication derived");
  return a;
}

AcceleratorSpec v100() {
  AcceleratorSpec a{"v100",
                    "NVIDIA V100 SXM2 32 GB, NVLink2",
                    125e12 /*[V100][PAT fn12]*/,
                    32e9 /*[V100]*/,
                    900e9 /*[V100]*/,
                    300e9 / 2 /*[V100] 300 GB/s bidirectional*/,
                    6 /*[V100]*/,
                    300.0 /*[V100][PAT T4]*/,
                    std::nullopt,
                    std::nullopt,
                    std::nullopt,
                    325.0 /*[PAT T3], +-2%*/,
                    {},
                    {}};
  constexpr double as_a100 = detail::kA100SustainedCeiling;     // ceiling: A100's [AZG] (assumption)
  a.matmul[idx(F::kFp16)] = {125e12, as_a100, 1};               // [V100W]
  a.matmul[idx(F::kFp32)] = {15.7e12, as_a100, 1};              // [V100W]
  a.compute = gpu_arch(80, kStreamAssumed, "Tesla V100-SXM2");  // [V100W] 80 SMs
  a.power_states = states_from_tdp(300.0, "TDP 300 W only [V100]; other states derived");
  return a;
}

AcceleratorSpec a100() {
  AcceleratorSpec a{"a100-sxm",
                    "NVIDIA A100 SXM 80 GB, NVLink3",
                    312e12 /*[A100]*/,
                    80e9 /*[A100]*/,
                    2039e9 /*[A100]*/,
                    600e9 / 2 /*[A100] 600 GB/s bidirectional*/,
                    12 /*[A100]*/,
                    400.0 /*[A100]*/,
                    std::nullopt,
                    std::nullopt,
                    std::nullopt,
                    std::nullopt,
                    {},
                    {}};
  constexpr double sustained = detail::kA100SustainedCeiling;  // [AZG] (MAMF's best shape: 271.2)
  a.matmul[idx(F::kBf16)] = {312e12, sustained, 1};            // [A100W]
  a.matmul[idx(F::kFp16)] = {312e12, sustained, 1};
  a.matmul[idx(F::kTf32)] = {156e12, sustained, 1};
  a.matmul[idx(F::kFp32)] = {19.5e12, sustained, 1};
  a.matmul[idx(F::kInt8)] = {624e12, sustained, 1};
  a.compute = gpu_arch(108, 1.70 / 2.039 /*[AZ]*/, "NVIDIA A100-SXM4");
  a.power_states = states_from_tdp(400.0, "TDP 400 W only [A100]; other states derived");
  a.compute.fused_attention_fraction_d64 = 176.0 / 312;           // [FA]
  a.compute.fused_attention_fraction_d128 = 203.0 / 312;          // [FA]
  a.compute.fused_attention_short_sequence_factor = 132.0 / 176;  // [FA] d64, 512 vs 16k tokens
  return a;
}

AcceleratorSpec hopper(std::string name, std::string description, double hbm_bytes, double hbm_Bps,
                       double stream, double fp8_ceiling, std::string_view cuda_name) {
  AcceleratorSpec a{std::move(name),
                    std::move(description),
                    989e12 /*[H100]*/,
                    hbm_bytes,
                    hbm_Bps,
                    900e9 / 2 /*[H100]*/,
                    18 /*[H100]*/,
                    700.0 /*[H100][H200]*/,
                    std::nullopt,
                    std::nullopt,
                    std::nullopt,
                    std::nullopt,
                    {},
                    {}};
  constexpr double mamf = 794.5 / 989;          // [MAMF] H100 SXM bf16; H200 (same die) has no bf16 entry
  a.matmul[idx(F::kBf16)] = {989e12, mamf, 1};  // [H100W]
  a.matmul[idx(F::kFp16)] = {989e12, mamf, 1};
  a.matmul[idx(F::kTf32)] = {494.5e12, mamf, 1};
  a.matmul[idx(F::kFp32)] = {67e12, mamf, 1};
  a.matmul[idx(F::kFp8)] = {1979e12, fp8_ceiling, 1};
  a.matmul[idx(F::kInt8)] = {1979e12, fp8_ceiling, 1};
  a.compute = gpu_arch(132, stream, cuda_name);  // [H100W] 132 SMs
  // Hopper trains with FlashAttention-3-class kernels (FA3, cuDNN): forward + backward at 16k tokens is
  // 3.5 forward FLOPs in 1/fwd + 2.5/bwd of time [FA3].
  a.compute.fused_attention_fraction_d64 = 3.5 / (1 / 497.0 + 2.5 / 474.0) / 989;   // [FA3] 480 TFLOP/s
  a.compute.fused_attention_fraction_d128 = 3.5 / (1 / 648.0 + 2.5 / 561.0) / 989;  // [FA3] 583 TFLOP/s
  a.compute.fused_attention_short_sequence_factor =                                 // [FA3] d128, 512 tokens
      3.5 / (1 / 467.0 + 2.5 / 316.0) / (3.5 / (1 / 648.0 + 2.5 / 561.0));          // 348 of 583 (d64 alike)
  a.power_states = states_from_tdp(700.0, "TDP/TGP 700 W only [H100][H200]; other states derived");
  return a;
}

}  // namespace

AcceleratorSpec detail::hopper_spec(std::string name, std::string description, double hbm_bytes,
                                    double hbm_Bps, double stream, double fp8_ceiling,
                                    std::string_view cuda_name) {
  return hopper(std::move(name), std::move(description), hbm_bytes, hbm_Bps, stream, fp8_ceiling, cuda_name);
}

namespace {

AcceleratorSpec k40() {
  AcceleratorSpec a{"k40",
                    "NVIDIA Tesla K40 (fp32 peak; no bf16), PCIe 3.0",
                    4.29e12 /*[K40] fp32*/,
                    12e9 /*[K40]*/,
                    288e9 /*[K40]*/,
                    15.75e9 /*[K40] PCIe 3.0 x16*/,
                    1,
                    235.0 /*[K40]*/,
                    std::nullopt,
                    std::nullopt,
                    std::nullopt,
                    std::nullopt,
                    {},
                    {}};
  a.matmul[idx(F::kFp32)] = {4.29e12, 0.773, 1};          // [K40W]; ceiling: measured cuBLAS SGEMM [CLB]
  a.compute = gpu_arch(15, kStreamAssumed, "Tesla K40");  // [K40W] 15 SMX
  a.power_states = states_from_tdp(235.0, "TDP 235 W only [K40]; other states derived");
  return a;
}

const std::vector<AcceleratorSpec>& table() {
  static const std::vector<AcceleratorSpec> kTable{
      tpuv3(),
      tpuv4(),
      v100(),
      a100(),
      hopper("h100-sxm", "NVIDIA H100 SXM 80 GB, NVLink4", 80e9 /*[H100]*/, 3.35e12 /*[H100]*/,
             2.97 / 3.35 /*[AZ]*/, detail::kH100Fp8SustainedCeiling /*[AZG]*/, "NVIDIA H100 80GB HBM3"),
      hopper("h200-sxm", "NVIDIA H200 SXM 141 GB, NVLink4", 141e9 /*[H200]*/, 4.8e12 /*[H200]*/,
             4.15 / 4.8 /*[AZ]*/, 1453.4 / 1979 /*[MAMF] fp8*/, "NVIDIA H200"),
      k40(),
      detail::h800(),
      detail::b200(),
      detail::gb200(),
      detail::mi300x(),
      detail::tpuv5e(),
      detail::tpuv5p(),
      detail::tpuv6e(),
  };
  return kTable;
}

}  // namespace

std::span<const AcceleratorSpec> accelerators() {
  return table();
}

const AcceleratorSpec* lookup_accelerator(std::string_view name) {
  for (const auto& a : table()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

std::string accelerator_names() {
  std::string out;
  for (const auto& a : table()) {
    if (!out.empty()) out += ", ";
    out += a.name;
  }
  return out;
}

const AcceleratorSpec& find_accelerator(std::string_view name) {
  if (const auto* a = lookup_accelerator(name)) return *a;
  throw std::out_of_range("unknown accelerator '" + std::string(name) + "'; known: " + accelerator_names());
}

}  // namespace moesim::topologies
