#include "kernels/gemm_model.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

namespace moesim::kernels {
namespace {

struct Tile {
  int m, n;
};
// Thread-block tiles of the tensor-core GEMMs (DU-09799-001 §2.3; CUTLASS's default Ampere/Hopper tiles).
constexpr std::array<Tile, 3> kGpuTiles{{{128, 128}, {128, 256}, {256, 128}}};
constexpr std::array<int, 8> kSplits{1, 2, 3, 4, 6, 8, 12, 16};
constexpr double kMinSplitK = 256;  // a split below 256 of the reduction dimension stops paying off
constexpr double kFp32 = 4;         // split-K partial sums

double memory_s(const ChipModel& c, double bytes) {
  return bytes / (c.hbm_Bps * c.hbm_efficiency);
}

void gpu_compute(const ChipModel& c, const GemmShape& s, GemmEstimate& e) {
  const double per_sm = c.peak_flop_per_s * c.ceiling / c.units;
  double best = INFINITY;
  for (const Tile& t : kGpuTiles) {
    const double tiles = s.groups * std::ceil(s.m / t.m) * std::ceil(s.n / t.n);
    for (int split : kSplits) {
      if (split > 1 && (tiles * split > c.units || s.k / split < kMinSplitK)) break;
      const double waves = std::ceil(tiles * split / c.units);
      const double tile_s = 2.0 * t.m * t.n * std::ceil(s.k / split) / per_sm;
      const double reduce_s = split > 1 ? memory_s(c, 2.0 * split * s.groups * s.m * s.n * kFp32) : 0.0;
      const double total = waves * tile_s + reduce_s;
      if (total < best) {
        best = total;
        e.tile_m = t.m, e.tile_n = t.n, e.split_k = split, e.waves = waves;
      }
    }
  }
  e.compute_s = best;
}

void tpu_compute(const ChipModel& c, const GemmShape& s, GemmEstimate& e) {
  const double dim = c.mxu_dim;
  // Each MXU takes a weight block [dim, dim] and streams the rows through it, one row per cycle (8-row
  // chunks every 8 cycles); both weight dimensions are padded to dim.
  const double blocks = std::ceil(s.k / dim) * std::ceil(s.n / dim);
  double rows, block_passes;
  if (s.groups >= c.cores) {  // whole products per TensorCore
    rows = std::ceil(s.m / 8.0) * 8.0;
    block_passes = std::ceil(std::ceil(s.groups / c.cores) * blocks / c.units);
  } else {  // the rows of a product split over the TensorCores
    rows = std::ceil(std::ceil(s.m / c.cores) / 8.0) * 8.0;
    block_passes = std::ceil(s.groups * blocks / c.units);
  }
  const double macs_per_cycle = static_cast<double>(c.cores) * c.units * dim * dim;
  const double clock_hz = c.peak_flop_per_s / (2.0 * macs_per_cycle);  // peak already holds fp32 passes
  e.waves = block_passes;
  e.compute_s = block_passes * rows / (clock_hz * c.ceiling);
}

}  // namespace

GemmEstimate estimate_gemm(const ChipModel& c, const GemmShape& s) {
  if (!(c.peak_flop_per_s > 0) || !(c.hbm_Bps > 0) || c.units < 1 || c.cores < 1)
    throw std::invalid_argument("estimate_gemm: the chip needs a peak, a memory bandwidth and units");
  GemmEstimate e;
  if (!(s.m > 0) || !(s.n > 0) || !(s.k > 0) || !(s.groups > 0)) return e;
  e.flops = 2.0 * s.m * s.n * s.k * s.groups;
  e.bytes = s.groups * (s.m * s.k * s.a_bytes + s.k * s.n * s.b_bytes + s.m * s.n * s.c_bytes);
  e.memory_s = memory_s(c, e.bytes);
  if (c.unit == ChipModel::Unit::kGpuSm)
    gpu_compute(c, s, e);
  else
    tpu_compute(c, s, e);
  e.time_s = c.kernel_overhead_s + std::max(e.compute_s, e.memory_s);
  return e;
}

double stream_time_s(const ChipModel& c, double bytes) {
  if (!(bytes > 0)) return 0.0;
  return c.kernel_overhead_s + memory_s(c, bytes);
}

}  // namespace moesim::kernels
