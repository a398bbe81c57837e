// Accelerator presets of 2023-2025: H800, B200, GB200, MI300X and TPU v5e / v5p / v6e.
//
// Sources (/work/shared/reference/collectives-and-compute.md §1.4, §4, §5.1, §5.2, §5.3):
//  [B200] DGX B200 datasheet via stas00/ml-engineering and glennklockwood.com: per GPU fp32 80, tf32 1125
//         (1,100-1,125 across copies; 18 PFLOPS sparse for 8 GPUs, halved), bf16 2,250, fp8 4,500, int8 4,500
//         TFLOP/s dense; 180 GB HBM3e (1,440 GB per 8 GPUs) at 8 TB/s; 1,000 W per GPU (HGX B200).
//  [GB]   GB200 NVL72 page via stas00 / glennklockwood.com: per GPU fp32 80 (90 in one copy), tf32 1,250,
//         bf16 2,500, fp8 5,000, int8 5,000 TFLOP/s dense; 186 GB at 8 TB/s; 1,200 W.
//  [NVL5] NVLink 5: 1,800 GB/s per GPU bidirectional, 18 links (stas00 network/README.md: 900 GB/s per
//         direction for B200/GB200).
//  [SM]   148 SMs on B200 (reference §5.3, wave quantization); GB200's Blackwell GPU is the same part
//         (assumption: no separate SM count in our sources).
//  [MAMF] stas00 "Maximum Achievable Matmul FLOPS": bf16 B200 1,745 (77.6%), GB200 1,822 (72.9%), MI300X
//         668.4 (51.4%); fp8 B200 3,432.5 (76.3%), GB200 3,615.6 (72.3%). MI300X has no fp8 entry: its bf16
//         fraction is used (the file's rule for formats without an entry).
//  [H800] No NVIDIA datasheet found: the GH100 die of the H100 SXM (same peaks, 80 GB HBM3 at 3.35 TB/s,
//         700 W; reference §5.1 "= H100 [unconfirmed]") with NVLink cut to 400 GB/s bidirectional (reference
//         §5.1; DeepSeek-V3 §3.1: "NVLink bandwidth ... 160 GB/s" achievable), i.e. 200 GB/s per direction;
//         8 links of the H100's 25 GB/s (derived: 200 / 25). FP64 cuts do not matter here.
//  [MI3]  AMD Instinct MI300X (amd.com page via stas00): fp32 163.4, tf32 653.7, bf16/fp16 1,307.4,
//         fp8 2,614.9, int8 2,614.9 TFLOP/s dense; 192 GB HBM3 at 5.3 TB/s; 304 compute units; AMD's
//         data sheet: 7 Infinity Fabric links of 128 GB/s peak bidirectional (64 GB/s per direction),
//         750 W board power (these three from the AMD data sheet, not in the reference copies).
//  [GC5E] cloud.google.com/tpu/docs/v5e: 197 TFLOP/s bf16, 394 int8, 16 GB HBM at 819 GB/s, ICI 400 GB/s
//         bidirectional over 4 ports; 1 TensorCore with 4 MXUs (scaling book tpus.md).
//  [GC5P] cloud.google.com/tpu/docs/v5p: 459 TFLOP/s bf16, int8 918 (scaling book), 95 GiB usable HBM at
//         2,765 GB/s, ICI 1,200 GB/s bidirectional (6 links); 2 TensorCores x 4 MXUs.
//  [GC6E] cloud.google.com/tpu/docs/v6e: 918 TFLOP/s bf16, 1,836 int8, 32 GB at 1,638 GB/s, ICI 800 GB/s
//         bidirectional over 4 ports; 1 TensorCore x 2 MXUs of 256 x 256.
//  [BOOK] scaling book tpus.md: ICI one-way per link 4.5e10 B/s (v5e), 9e10 (v5p, v6e) — the Google totals
//         above divided over the ports give the same figures.
// No measured STREAM figure for any of them (the STREAM-like stream efficiency takes the file's assumed
// 0.86); no idle or busy power measurement; no FlashAttention measurement (fused attention is refused);
// TPU ceilings: the 128x128 MXU's 99.6% (accelerator.cpp [BOOK]) for all three, v6e's 256x256 MXU
// included (no other figure).
#include "topologies/accelerator_presets.h"

namespace moesim::topologies::detail {
namespace {

using F = NumberFormat;
constexpr std::size_t idx(NumberFormat f) {
  return static_cast<std::size_t>(f);
}

/// A Blackwell GPU (B200 / GB200): NVLink 5 [NVL5], 148 SMs [SM].
AcceleratorSpec blackwell(std::string name, std::string description, double fp32, double tf32, double bf16,
                          double fp8, double hbm, double tdp, double bf16_ceiling, double fp8_ceiling,
                          std::string_view cuda_name) {
  AcceleratorSpec a;
  a.name = std::move(name);
  a.description = std::move(description);
  a.peak_dense_bf16_flop_per_s = bf16;
  a.hbm_bytes = hbm;
  a.hbm_bandwidth_Bps = 8e12;                 // [B200][GB]
  a.interconnect_bandwidth_Bps = 1800e9 / 2;  // [NVL5]
  a.interconnect_links = 18;                  // [NVL5]
  a.tdp_w = tdp;
  a.matmul[idx(F::kBf16)] = {bf16, bf16_ceiling, 1};
  a.matmul[idx(F::kFp16)] = {bf16, bf16_ceiling, 1};
  a.matmul[idx(F::kTf32)] = {tf32, bf16_ceiling, 1};
  a.matmul[idx(F::kFp32)] = {fp32, bf16_ceiling, 1};
  a.matmul[idx(F::kFp8)] = {fp8, fp8_ceiling, 1};
  a.matmul[idx(F::kInt8)] = {fp8, fp8_ceiling, 1};
  a.compute = gpu_arch(148, kAssumedStreamEfficiency, cuda_name);  // [SM]
  return a;
}

}  // namespace

AcceleratorSpec h800() {
  AcceleratorSpec a = hopper_spec("h800-sxm", "NVIDIA H800 SXM 80 GB: H100 compute, NVLink cut to 400 GB/s",
                                  80e9, 3.35e12, 2.97 / 3.35 /*H100's [AZ] STREAM, same memory*/,
                                  kH100Fp8SustainedCeiling /*H100's, accelerator.cpp [AZG]*/, "NVIDIA H800");
  a.interconnect_bandwidth_Bps = 400e9 / 2;  // [H800]
  a.interconnect_links = 8;                  // [H800] derived
  return a;
}

AcceleratorSpec b200() {
  return blackwell("b200", "NVIDIA B200 (HGX/DGX B200) 180 GB, NVLink 5", 80e12, 1125e12, 2250e12, 4500e12,
                   180e9, 1000.0, 1745.0 / 2250, 3432.5 / 4500, "NVIDIA B200");  // [B200][MAMF]
}

AcceleratorSpec gb200() {
  return blackwell("gb200", "NVIDIA GB200 (Grace Blackwell, NVL72 rack) 186 GB, NVLink 5", 80e12, 1250e12,
                   2500e12, 5000e12, 186e9, 1200.0, 1822.0 / 2500, 3615.6 / 5000, "NVIDIA GB200");  // [GB]
}

AcceleratorSpec mi300x() {
  AcceleratorSpec a;
  a.name = "mi300x";
  a.description = "AMD Instinct MI300X 192 GB, Infinity Fabric (7 links)";
  a.peak_dense_bf16_flop_per_s = 1307.4e12;  // [MI3]
  a.hbm_bytes = 192e9;                       // [MI3]
  a.hbm_bandwidth_Bps = 5.3e12;              // [MI3]
  a.interconnect_bandwidth_Bps = 7 * 64e9;   // [MI3] 7 links x 64 GB/s per direction
  a.interconnect_links = 7;                  // [MI3]
  a.tdp_w = 750.0;                           // [MI3]
  constexpr double mamf = 668.4 / 1307.4;    // [MAMF]
  a.matmul[idx(F::kBf16)] = {1307.4e12, mamf, 1};
  a.matmul[idx(F::kFp16)] = {1307.4e12, mamf, 1};
  a.matmul[idx(F::kTf32)] = {653.7e12, mamf, 1};
  a.matmul[idx(F::kFp32)] = {163.4e12, mamf, 1};
  a.matmul[idx(F::kFp8)] = {2614.9e12, mamf, 1};
  a.matmul[idx(F::kInt8)] = {2614.9e12, mamf, 1};
  a.compute = gpu_arch(304, kAssumedStreamEfficiency, "AMD Instinct MI300X");  // [MI3] 304 CUs
  return a;
}

AcceleratorSpec tpuv5e() {
  AcceleratorSpec a;
  a.name = "tpuv5e";
  a.description = "Google TPU v5e chip (1 TensorCore), 2D-torus ICI";
  a.peak_dense_bf16_flop_per_s = 197e12;     // [GC5E]
  a.hbm_bytes = 16e9;                        // [GC5E]
  a.hbm_bandwidth_Bps = 819e9;               // [GC5E]
  a.interconnect_bandwidth_Bps = 400e9 / 2;  // [GC5E] per direction, 4 x 4.5e10 [BOOK] ~ 1.8e11
  a.interconnect_links = 4;                  // [GC5E]
  a.matmul = tpu_formats(197e12, 394e12);    // [GC5E]
  a.compute = tpu_arch(4, 1, 128);           // [GC5E][BOOK]
  return a;
}

AcceleratorSpec tpuv5p() {
  AcceleratorSpec a;
  a.name = "tpuv5p";
  a.description = "Google TPU v5p chip (2 TensorCores), 3D-torus ICI";
  a.peak_dense_bf16_flop_per_s = 459e12;      // [GC5P]
  a.hbm_bytes = 95.0 * 1024 * 1024 * 1024;    // [GC5P] 95 GiB usable
  a.hbm_bandwidth_Bps = 2765e9;               // [GC5P]
  a.interconnect_bandwidth_Bps = 1200e9 / 2;  // [GC5P] per direction; 6 x 9e10 [BOOK] = 5.4e11
  a.interconnect_links = 6;                   // [GC5P]
  a.matmul = tpu_formats(459e12, 918e12);     // [GC5P][BOOK]
  a.compute = tpu_arch(4, 2, 128);            // [GC5P]
  return a;
}

AcceleratorSpec tpuv6e() {
  AcceleratorSpec a;
  a.name = "tpuv6e";
  a.description = "Google TPU v6e (Trillium) chip (1 TensorCore, 256x256 MXUs), 2D-torus ICI";
  a.peak_dense_bf16_flop_per_s = 918e12;     // [GC6E]
  a.hbm_bytes = 32e9;                        // [GC6E]
  a.hbm_bandwidth_Bps = 1638e9;              // [GC6E]
  a.interconnect_bandwidth_Bps = 800e9 / 2;  // [GC6E] per direction; 4 x 9e10 [BOOK] = 3.6e11
  a.interconnect_links = 4;                  // [GC6E]
  a.matmul = tpu_formats(918e12, 1836e12);   // [GC6E]
  a.compute = tpu_arch(2, 1, 256);           // [GC6E][BOOK]
  return a;
}

}  // namespace moesim::topologies::detail
