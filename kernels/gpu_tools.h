// moesim kernels — the two GPU programs behind `moesim validate-kernels` and `moesim profile` (and the
// standalone moesim_kernels_validate / moesim_kernels_profile built from kernels/ on the GPU machine).
#pragma once

#include <ostream>
#include <string>

namespace moesim::kernels {

/// Runs every kernel on random inputs at several shapes against the CPU references (exact for routing,
/// dispatch and combine; bf16 bounds for the GEMMs) and prints achieved vs roofline per kernel.
/// Returns 0 when all pass, 1 on a mismatch, 2 when no GPU is found (printed to `out`).
int run_kernel_validation(std::ostream& out);

/// Sweeps the kernels over tokens, d_model, d_ff, experts, k and skew, times them (warm-up, CUDA events,
/// L2 flushed, median of many) and writes the profile DB to `out_path`. `quick` runs a tiny sweep (tests).
/// Returns 0 on success, 2 when no GPU is found.
int run_kernel_profile(const std::string& out_path, std::ostream& log, bool quick);

}  // namespace moesim::kernels
