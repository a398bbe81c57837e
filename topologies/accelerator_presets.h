// moesim — the accelerator presets' building blocks and the post-2022 presets (internal to topologies/).
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "topologies/accelerator.h"

namespace moesim::topologies::detail {

/// The stated assumption for chips without a measured STREAM figure (accelerator.cpp: mean of [AZ]).
inline constexpr double kAssumedStreamEfficiency = 0.86;
/// Sustained fractions of the dense peak of a 16384^3 product on random data (accelerator.cpp [AZG]):
/// A100 fp16 257 of 312 TFLOP/s (V100 takes it as a stated assumption), H100 fp8 1377 of 1979 (H800 too).
inline constexpr double kA100SustainedCeiling = 257.0 / 312;
inline constexpr double kH100Fp8SustainedCeiling = 1377.0 / 1979;

/// Power by activity state from a chip's idle and compute-bound power; memory-bound and communication by
/// the stated shares of that range (accelerator.cpp, "Power by activity state").
ChipPowerStates states_between(double idle_w, double compute_w, std::string_view basis);
/// The same for a chip whose only power figure is its TDP (idle = 30% of it, accelerator.cpp).
ChipPowerStates states_from_tdp(double tdp_w, std::string_view basis);
/// A TPU's formats: bf16 on the MXU, fp32 and tf32 as 6 and 3 bf16 passes, int8 where it has it.
std::array<MatmulFormat, kNumberFormats> tpu_formats(double bf16, double int8);
/// A TPU chip of `cores` TensorCores with `mxus_per_core` systolic arrays of side `mxu_dim`.
ComputeArchitecture tpu_arch(int mxus_per_core, int cores, int mxu_dim);
/// A GPU of `sms` streaming multiprocessors (AMD: compute units) at `stream` of its HBM bandwidth.
ComputeArchitecture gpu_arch(int sms, double stream, std::string_view cuda_name);
/// The Hopper (GH100) preset with its memory and fp8 ceiling (accelerator.cpp).
AcceleratorSpec hopper_spec(std::string name, std::string description, double hbm_bytes, double hbm_Bps,
                            double stream, double fp8_ceiling, std::string_view cuda_name);

// Presets of accelerators_2024.cpp (sources there).
AcceleratorSpec h800();
AcceleratorSpec b200();
AcceleratorSpec gb200();
AcceleratorSpec mi300x();
AcceleratorSpec tpuv5e();
AcceleratorSpec tpuv5p();
AcceleratorSpec tpuv6e();

}  // namespace moesim::topologies::detail
