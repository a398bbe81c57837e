// moesim kernels — the device buffers of one MoE layer's forward pass (x → logits → routing → dispatched
// rows → H → Y → combined output), filled with random inputs; used by the validator and the profiler.
#pragma once

#include <cstdint>
#include <ostream>
#include <vector>

#include "kernels/gpu_moe.h"

namespace moesim::kernels {

struct LayerConfig {
  GatingConfig gating;
  int d_model = 0, d_ff = 0;
  bool glu = false;
  double zipf_s = 0.0;  ///< skew of the random logits (random_logits); router GEMM output is overwritten
};

struct GpuLayer {
  explicit GpuLayer(const LayerConfig& cfg, uint64_t seed);
  LayerConfig cfg;
  int max_rows;  ///< T·k
  int w1_cols;   ///< d_ff, or 2·d_ff for GEGLU
  DeviceBuffer<bf16_bits> x, w_router, rows, w1, h, w2, y, out;
  DeviceBuffer<float> logits;
  GpuRouting routing;
  /// Router GEMM, then (when zipf_s > 0) skewed random logits instead, then gating and dispatch; returns the
  /// offsets on the host.
  std::vector<int32_t> route(cublasHandle_t handle, uint64_t seed, cudaStream_t s);
};

}  // namespace moesim::kernels

#include "kernels/gpu_timing.h"
#include "kernels/profile_db.h"

namespace moesim::kernels {

/// Times every kernel of the layer `cfg` (the GEMMs once per GemmImpl) and returns one profile entry each;
/// with `routing_only` just router, gating, dispatch and combine. Entries for a GemmImpl that cuBLAS refuses
/// are skipped and reported on `log`.
std::vector<ProfileEntry> profile_layer(const LayerConfig& cfg, GpuTimer& timer, cublasHandle_t handle,
                                        int reps, bool gemms, std::ostream& log);

}  // namespace moesim::kernels
