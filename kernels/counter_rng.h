// moesim kernels — a counter-based random number generator that the CPU and the GPU evaluate identically.
//
// Stateless: a value is a pure function of (seed, stream, index), as in Philox/Threefry (Salmon et al.,
// "Parallel random numbers: as easy as 1, 2, 3", SC 2011). The mixing function is SplitMix64's finaliser
// (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014), integer-only, so the
// results are bit-identical on both sides. Used for noisy top-k gating, GShard's random second expert and
// the random test/profiling inputs.
#pragma once

#include <cstdint>

#include "kernels/portable_math.h"

namespace moesim::kernels {

/// 64 random bits for (seed, stream, index).
MOESIM_HD uint64_t rng_bits(uint64_t seed, uint64_t stream, uint64_t index) {
  uint64_t z = seed ^ (stream * 0xD1B54A32D192ED03ull) ^ (index * 0x9E3779B97F4A7C15ull);
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// Uniform in [0, 1) with 24 random bits; exactly representable in fp32.
MOESIM_HD float rng_uniform(uint64_t seed, uint64_t stream, uint64_t index) {
  return static_cast<float>(rng_bits(seed, stream, index) >> 40) * (1.0f / 16777216.0f);
}

/// Approximately standard normal: Irwin–Hall sum of 12 uniforms minus 6 (mean 0, variance 1, support
/// [-6, 6]). Summed in integers and converted once, so it is bit-identical on CPU and GPU (a Box–Muller
/// transform would need log/cos, whose last bits differ between the two math libraries).
MOESIM_HD float rng_normal(uint64_t seed, uint64_t stream, uint64_t index) {
  uint64_t sum = 0;
  for (int i = 0; i < 12; ++i) sum += rng_bits(seed, stream, index * 12u + static_cast<uint64_t>(i)) >> 40;
  int64_t centred = static_cast<int64_t>(sum) - 6ll * 16777216ll;
  return static_cast<float>(static_cast<double>(centred) * (1.0 / 16777216.0));
}

/// Random bf16 value uniform in [-scale, scale) (test and profiling inputs; never zeros).
MOESIM_HD bf16_bits rng_bf16(uint64_t seed, uint64_t stream, uint64_t index, float scale) {
  float u = rng_uniform(seed, stream, index);
  return float_to_bf16(fmul(fadd(fmul(u, 2.0f), -1.0f), scale));
}

}  // namespace moesim::kernels
