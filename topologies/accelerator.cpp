#include "topologies/accelerator.h"

#include <array>
#include <stdexcept>

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
// NVLink "bidirectional" totals are halved to get one direction. GPU memory sizes are the datasheets' GB
// (1e9 bytes); TPU memory is documented in GiB.
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

const std::array<AcceleratorSpec, 7>& table() {
  static const std::array<AcceleratorSpec, 7> kTable{{
      {"tpuv3", "Google TPU v3 chip (2 TensorCores), 2D-torus ICI", 123e12 /*[GC3][PAT fn12]*/,
       32 * kGiB /*[GC3]*/, 900e9 /*[GC3]*/, 4 * 656e9 / 8 /*[JOU]*/, 4 /*[JOU]*/, 450.0 /*TDP [PAT T4]*/,
       123.0 /*min [GC3]*/, 220.0 /*mean [GC3]*/, 262.0 /*max [GC3]*/, 283.0 /*[PAT T3], +-10%*/},
      {"tpuv4", "Google TPU v4 chip (2 TensorCores), 3D-torus ICI with optical switches", 275e12 /*[GC4]*/,
       32 * kGiB /*[GC4]*/, 1200e9 /*[GC4]*/, 6 * 400e9 / 8 /*[TK4]*/, 6 /*[TK4]*/,
       std::nullopt /*no TDP in our sources*/, 90.0 /*min [GC4]*/, 170.0 /*mean [GC4]*/, 192.0 /*max [GC4]*/,
       326.0 /*[GLaM]*/},
      {"v100", "NVIDIA V100 SXM2 32 GB, NVLink2", 125e12 /*[V100][PAT fn12]*/, 32e9 /*[V100]*/,
       900e9 /*[V100]*/, 300e9 / 2 /*[V100] 300 GB/s bidirectional*/, 6 /*[V100]*/, 300.0 /*[V100][PAT T4]*/,
       std::nullopt, std::nullopt, std::nullopt, 325.0 /*[PAT T3], +-2%*/},
      {"a100-sxm", "NVIDIA A100 SXM 80 GB, NVLink3", 312e12 /*[A100]*/, 80e9 /*[A100]*/, 2039e9 /*[A100]*/,
       600e9 / 2 /*[A100] 600 GB/s bidirectional*/, 12 /*[A100]*/, 400.0 /*[A100]*/, std::nullopt,
       std::nullopt, std::nullopt, std::nullopt},
      {"h100-sxm", "NVIDIA H100 SXM 80 GB, NVLink4", 989e12 /*[H100]*/, 80e9 /*[H100]*/, 3.35e12 /*[H100]*/,
       900e9 / 2 /*[H100] 900 GB/s bidirectional*/, 18 /*[H100]*/, 700.0 /*[H100]*/, std::nullopt,
       std::nullopt, std::nullopt, std::nullopt},
      {"h200-sxm", "NVIDIA H200 SXM 141 GB, NVLink4", 989e12 /*[H200] same die as H100*/, 141e9 /*[H200]*/,
       4.8e12 /*[H200]*/, 900e9 / 2 /*[H200]*/, 18 /*[H200]*/, 700.0 /*[H200] TGP*/, std::nullopt,
       std::nullopt, std::nullopt, std::nullopt},
      {"k40", "NVIDIA Tesla K40 (fp32 peak; no bf16), PCIe 3.0", 4.29e12 /*[K40] fp32*/, 12e9 /*[K40]*/,
       288e9 /*[K40]*/, 15.75e9 /*[K40] PCIe 3.0 x16*/, 1, 235.0 /*[K40]*/, std::nullopt, std::nullopt,
       std::nullopt, std::nullopt},
  }};
  return kTable;
}

}  // namespace

double AcceleratorSpec::compute_power_w() const {
  if (busy_power_w) return *busy_power_w;
  if (tdp_w) return *tdp_w;
  return 0;
}

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
