// moesim — which compute model a scenario gets: the chip's formats for the scenario's precisions, the
// measured profile that applies, the attention kernel and the calibration.
#pragma once

#include <string>

#include "sim/step/compute_model.h"
#include "topologies/accelerator.h"
#include "workloads/key_lines.h"
#include "workloads/run_spec.h"

namespace moesim::sim {

/// The matmul format of a scenario on `acc`: training.matmul_precision, else training.precision, where an
/// fp32 product runs as the chip's default (bf16 passes on TPUs, true fp32 on GPUs). A format the chip
/// cannot multiply in, or store (training.precision), is a ConfigError naming the key and its line.
topologies::NumberFormat matmul_format(const topologies::AcceleratorSpec& acc, const workloads::RunSpec& run,
                                       const workloads::KeyLines& lines);

/// The shape-model description of `acc` in `format` (which it must have).
kernels::ChipModel chip_model(const topologies::AcceleratorSpec& acc, topologies::NumberFormat format);

/// The compute model of a scenario on `acc`. Profile: `profile_override` (the --profile option) if not
/// empty, else compute.profile (relative to the scenario file), else the committed profile of the
/// accelerator (kernels/profiles/, h100-sxm only); an explicit profile measured on another GPU is a
/// ConfigError (key `--profile` or `compute.profile`). compute.attention: fused needs a measured
/// FlashAttention throughput for the chip and bf16/fp16 activations (ConfigError otherwise).
ComputeModel make_compute(const topologies::AcceleratorSpec& acc, const workloads::RunSpec& run,
                          const workloads::KeyLines& lines, const std::string& profile_override = "");

}  // namespace moesim::sim
