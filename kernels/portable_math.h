// moesim kernels — arithmetic that gives bit-identical results on the CPU and the GPU.
//
// The routing decisions (top-k, capacity drops, GShard's random second expert) must be exactly the same in
// the CUDA kernels and in the CPU references, so everything that feeds them is computed here with
// correctly-rounded fp32 additions and multiplications only (no fused multiply-add, no library exp):
// on the GPU through the __fadd_rn/__fmul_rn intrinsics, which the compiler never contracts, on the CPU with
// plain IEEE float operations (ISO C++20 mode: GCC does not contract across statements, x86-64 SSE).
#pragma once

#include <cstdint>

#ifdef __CUDACC__
#define MOESIM_HD __host__ __device__ __forceinline__
#else
#define MOESIM_HD inline
#endif

namespace moesim::kernels {

MOESIM_HD float fadd(float a, float b) {
#ifdef __CUDA_ARCH__
  return __fadd_rn(a, b);
#else
  volatile float r = a + b;  // volatile: keeps the rounding step even under -ffast-math-like flags
  return r;
#endif
}

MOESIM_HD float fmul(float a, float b) {
#ifdef __CUDA_ARCH__
  return __fmul_rn(a, b);
#else
  volatile float r = a * b;
  return r;
#endif
}

MOESIM_HD float fdiv(float a, float b) {
#ifdef __CUDA_ARCH__
  return __fdiv_rn(a, b);
#else
  volatile float r = a / b;
  return r;
#endif
}

MOESIM_HD float bits_to_float(uint32_t u) {
#ifdef __CUDA_ARCH__
  return __uint_as_float(u);
#else
  float f;
  __builtin_memcpy(&f, &u, 4);
  return f;
#endif
}

MOESIM_HD uint32_t float_to_bits(float f) {
#ifdef __CUDA_ARCH__
  return __float_as_uint(f);
#else
  uint32_t u;
  __builtin_memcpy(&u, &f, 4);
  return u;
#endif
}

/// exp(x) for x <= 0 (softmax after subtracting the row maximum), deterministic on CPU and GPU.
/// Range reduction x = n·ln2 + r with |r| <= ln2/2 (Cody–Waite split of ln2), then a degree-7 Taylor
/// polynomial in Horner form; relative error < 2e-7 on [-87, 0], which is below fp32's own 6e-8 ulp
/// spacing times 4. Returns 0 below -87 (exp underflows fp32's normal range there).
MOESIM_HD float det_exp(float x) {
  if (x < -87.0f) return 0.0f;
  const float kLog2e = 1.44269504f;
  float t = fmul(x, kLog2e);
  // round to nearest integer without library calls: t in [-126, 0]
  int n = static_cast<int>(fadd(t, -0.5f));  // truncation toward zero of a number <= 0
  float nf = static_cast<float>(n);
  if (fadd(t, -nf) < -0.5f) nf = fadd(nf, -1.0f), n -= 1;
  if (fadd(t, -nf) > 0.5f) nf = fadd(nf, 1.0f), n += 1;
  const float kLn2Hi = 0.693145752f;  // ln2 with its last 12 bits cleared: n·kLn2Hi is exact
  const float kLn2Lo = 1.42860677e-6f;
  float r = fadd(fadd(x, -fmul(nf, kLn2Hi)), -fmul(nf, kLn2Lo));
  float p = 1.0f / 5040.0f;
  p = fadd(fmul(p, r), 1.0f / 720.0f);
  p = fadd(fmul(p, r), 1.0f / 120.0f);
  p = fadd(fmul(p, r), 1.0f / 24.0f);
  p = fadd(fmul(p, r), 1.0f / 6.0f);
  p = fadd(fmul(p, r), 0.5f);
  p = fadd(fmul(p, r), 1.0f);
  p = fadd(fmul(p, r), 1.0f);
  // scale by 2^n through the exponent bits (n >= -126 here, so the result stays normal or is tiny)
  return fmul(p, bits_to_float(static_cast<uint32_t>(n + 127) << 23));
}

/// bf16 stored as its 16 raw bits (the top half of an fp32), so host code needs no CUDA header.
using bf16_bits = uint16_t;

/// fp32 → bf16 with round-to-nearest-even, the rounding of __float2bfloat16_rn (finite inputs).
MOESIM_HD bf16_bits float_to_bf16(float f) {
  uint32_t u = float_to_bits(f);
  uint32_t lsb = (u >> 16) & 1u;
  u += 0x7fffu + lsb;
  return static_cast<bf16_bits>(u >> 16);
}

MOESIM_HD float bf16_to_float(bf16_bits b) {
  return bits_to_float(static_cast<uint32_t>(b) << 16);
}

}  // namespace moesim::kernels
