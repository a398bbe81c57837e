// Chip models for the kernels tests, with the numbers of the accelerator presets (topologies/accelerator.cpp,
// where each one's source is given): the kernels module does not depend on topologies/.
#pragma once

#include "kernels/gemm_model.h"

namespace moesim::kernels::test {

/// H100 SXM in bf16: 132 SMs, 989 TFLOP/s at MAMF 794.5 (80.3%), 3.35 TB/s at STREAM 2.97, 4 us per kernel.
inline ChipModel h100_bf16() {
  return ChipModel{ChipModel::Unit::kGpuSm, 132, 1, 0, 989e12, 794.5 / 989, 3.35e12, 2.97 / 3.35, 4e-6};
}
/// H100 SXM in fp8: 1979 TFLOP/s at the sustained 16384^3 rate 1377 (69.6%).
inline ChipModel h100_fp8() {
  ChipModel c = h100_bf16();
  c.peak_flop_per_s = 1979e12, c.ceiling = 1377.0 / 1979;
  return c;
}
/// A100 SXM 80 GB in bf16/fp16: 108 SMs, 312 TFLOP/s at the sustained 16384^3 rate 257, 2.039 TB/s at
/// STREAM 1.70.
inline ChipModel a100_bf16() {
  return ChipModel{ChipModel::Unit::kGpuSm, 108, 1, 0, 312e12, 257.0 / 312, 2.039e12, 1.70 / 2.039, 4e-6};
}
/// TPU v3 chip in bf16: 2 TensorCores x 2 MXUs of 128x128, 123 TFLOP/s, 900 GB/s, no per-kernel launch.
inline ChipModel tpuv3_bf16() {
  return ChipModel{ChipModel::Unit::kTpuMxu, 2, 2, 128, 123e12, 0.996, 900e9, 0.86, 0.0};
}

}  // namespace moesim::kernels::test
