// moesim kernels — CUDA gating, dispatch and combine (see gpu_moe.h) and the random fillers.
#include <cuda_bf16.h>

#include <cmath>

#include "kernels/gpu_moe.h"

namespace moesim::kernels {
namespace {

constexpr int kScanThreads = 1024;

// One thread per token: the routing decision (gating_core.h), then per-block ranks, counts and the block's
// probability sums, all in fixed orders.
__global__ void __launch_bounds__(kGatingBlockTokens)
    gate_topk_kernel(const float* __restrict__ logits, GatingParams p, int32_t* __restrict__ expert,
                     float* __restrict__ gate, int32_t* __restrict__ local_rank,
                     int32_t* __restrict__ blk_count, float* __restrict__ blk_prob) {
  __shared__ int32_t s_expert[kGatingBlockTokens][kMaxTopK];
  __shared__ SoftmaxStats s_stats[kGatingBlockTokens];
  // The block's logits, coalesced into shared memory; rows padded by one word (no bank conflicts when each
  // thread walks its own row).
  __shared__ float s_logits[kGatingBlockTokens * (kMaxExperts + 1)];
  const int b = blockIdx.x, tid = threadIdx.x;
  const int t0 = b * kGatingBlockTokens, t = t0 + tid;
  const int nt = min(kGatingBlockTokens, p.tokens - t0);
  const int ld = p.experts + 1;
  const float* src = logits + static_cast<int64_t>(t0) * p.experts;
  for (int i = tid; i < nt * p.experts; i += blockDim.x)
    s_logits[(i / p.experts) * ld + i % p.experts] = src[i];
  __syncthreads();
  if (t < p.tokens) {
    int32_t ex[kMaxTopK];
    float g[kMaxTopK];
    s_stats[tid] = route_token(s_logits + tid * ld, p, t, ex, g);
#pragma unroll
    for (int j = 0; j < kMaxTopK; ++j)
      if (j < p.k) {
        s_expert[tid][j] = ex[j];
        expert[static_cast<int64_t>(t) * p.k + j] = ex[j];
        gate[static_cast<int64_t>(t) * p.k + j] = g[j];
      }
  }
  __syncthreads();
  if (t < p.tokens) {
    for (int j = 0; j < p.k; ++j) {
      const int e = s_expert[tid][j];
      int r = 0;
      for (int u = 0; u < tid; ++u) r += s_expert[u][j] == e;
      local_rank[static_cast<int64_t>(t) * p.k + j] = r;
    }
  }
  for (int idx = tid; idx < p.k * p.experts; idx += blockDim.x) {
    const int j = idx / p.experts, e = idx % p.experts;
    int c = 0;
    for (int u = 0; u < nt; ++u) c += s_expert[u][j] == e;
    blk_count[(static_cast<int64_t>(b) * p.k + j) * p.experts + e] = c;
  }
  for (int e = tid; e < p.experts; e += blockDim.x) {
    float s = 0.0f;
    for (int u = 0; u < nt; ++u)
      s = fadd(s, routing_probability(s_logits + u * ld, p, t0 + u, e, s_stats[u]));
    blk_prob[static_cast<int64_t>(b) * p.experts + e] = s;
  }
}

constexpr int kWarpGatingWarps = 8;              // warps per block of kGatingBlockTokens tokens
constexpr int kExpertChunks = kMaxExperts / 32;  // experts held per lane (lane + 32·c)
constexpr int kNoExpert = 0x7fffffff;            // arg-max sentinel, loses to every eligible score

// One warp per token (lanes over experts), the same arithmetic as route_token: the top-k by k warp arg-max
// rounds on (score desc, index asc) over eligible scores (> -inf, as route_token's strict insertion), the
// exps in parallel, then one thread per token sums them in expert order and computes the gates
// (token_gates); ranks and counts by __match_any_sync per slot; probabilities and their per-block sums in
// the same orders as gate_topk_kernel, so both kernels give bit-identical outputs.
__global__ void __launch_bounds__(kWarpGatingWarps * 32)
    gate_topk_warp_kernel(const float* __restrict__ logits, GatingParams p, int32_t* __restrict__ expert,
                          float* __restrict__ gate, int32_t* __restrict__ local_rank,
                          int32_t* __restrict__ blk_count, float* __restrict__ blk_prob) {
  __shared__ float s_ex[kGatingBlockTokens][kMaxExperts + 1];  // exp(score − max), then the probability
  __shared__ float s_bv[kGatingBlockTokens][kMaxTopK];
  __shared__ int32_t s_be[kGatingBlockTokens][kMaxTopK];
  __shared__ int32_t s_expert[kMaxTopK][kGatingBlockTokens];
  __shared__ int32_t s_cnt[kMaxTopK * kMaxExperts];  // [j][e], row length p.experts
  __shared__ float s_sum[kGatingBlockTokens];
  const int b = blockIdx.x, tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int t0 = b * kGatingBlockTokens, nt = min(kGatingBlockTokens, p.tokens - t0);
  const int E = p.experts, K = p.k;
  const float kNegInf = bits_to_float(0xff800000u);
  for (int i = tid; i < K * E; i += blockDim.x) s_cnt[i] = 0;
  for (int u = warp; u < nt; u += kWarpGatingWarps) {
    const int t = t0 + u;
    const float* row = logits + static_cast<int64_t>(t) * E;
    float sc[kExpertChunks];
#pragma unroll
    for (int c = 0; c < kExpertChunks; ++c) {
      const int e = c * 32 + lane;
      sc[c] = e < E ? gating_score(row, p, t, e) : kNegInf;
    }
    float bv[kMaxTopK];
    int be[kMaxTopK];
    unsigned taken = 0;  // bit c: this lane's expert lane + 32·c is already chosen
#pragma unroll
    for (int i = 0; i < kMaxTopK; ++i) {
      bv[i] = kNegInf, be[i] = -1;
      if (i < K) {
        float v = kNegInf;
        int e = kNoExpert;
#pragma unroll
        for (int c = 0; c < kExpertChunks; ++c)  // ascending index: strict > keeps the lower one on ties
          if (!((taken >> c) & 1u) && sc[c] > v) v = sc[c], e = c * 32 + lane;
#pragma unroll
        for (int off = 16; off > 0; off >>= 1) {
          const float ov = __shfl_xor_sync(0xffffffffu, v, off);
          const int oe = __shfl_xor_sync(0xffffffffu, e, off);
          if (ov > v || (ov == v && oe < e)) v = ov, e = oe;
        }
        if (v > kNegInf) {
          bv[i] = v, be[i] = e;
          if ((e & 31) == lane) taken |= 1u << (e >> 5);
        }
      }
    }
    const float mx = bv[0];
#pragma unroll
    for (int c = 0; c < kExpertChunks; ++c) {
      const int e = c * 32 + lane;
      if (e < E) s_ex[u][e] = det_exp(fadd(sc[c], -mx));
    }
    if (lane == 0) {
#pragma unroll
      for (int i = 0; i < kMaxTopK; ++i) s_bv[u][i] = bv[i], s_be[u][i] = be[i];
    }
  }
  __syncthreads();
  if (tid < nt) {  // one thread per token: Σ exp in expert order, then the gates
    const int u = tid, t = t0 + u;
    float sum = 0.0f;
#pragma unroll 8
    for (int e = 0; e < E; ++e) sum = fadd(sum, s_ex[u][e]);
    s_sum[u] = sum;
    float bv[kMaxTopK];
    int be[kMaxTopK];
    int32_t ex[kMaxTopK];
    float g[kMaxTopK];
#pragma unroll
    for (int i = 0; i < kMaxTopK; ++i) bv[i] = s_bv[u][i], be[i] = s_be[u][i];
    token_gates(bv, be, bv[0], sum, p, t, ex, g);
#pragma unroll
    for (int j = 0; j < kMaxTopK; ++j)
      if (j < K) {
        s_expert[j][u] = ex[j];
        expert[static_cast<int64_t>(t) * K + j] = ex[j];
        gate[static_cast<int64_t>(t) * K + j] = g[j];
      }
  }
  __syncthreads();
  for (int u = warp; u < nt; u += kWarpGatingWarps)
    for (int e = lane; e < E; e += 32) s_ex[u][e] = fdiv(s_ex[u][e], s_sum[u]);
  if (warp < K) {  // slot j = warp: rank among the block's earlier tokens with the same expert, and counts
    const int j = warp;
    const int e = lane < nt ? s_expert[j][lane] : -2;
    const unsigned same = __match_any_sync(0xffffffffu, e);
    const int rank = __popc(same & ((1u << lane) - 1u));
    if (lane < nt) local_rank[static_cast<int64_t>(t0 + lane) * K + j] = rank;
    if (e >= 0 && rank == 0) s_cnt[j * E + e] = __popc(same);
  }
  __syncthreads();
  for (int i = tid; i < K * E; i += blockDim.x) blk_count[static_cast<int64_t>(b) * K * E + i] = s_cnt[i];
  for (int e = tid; e < E; e += blockDim.x) {
    float s = 0.0f;
    for (int u = 0; u < nt; ++u) s = fadd(s, s_ex[u][e]);
    blk_prob[static_cast<int64_t>(b) * E + e] = s;
  }
}

// One block: for each expert, an exclusive scan of its per-(slot, block) counts in slot-major order (GShard
// priority), the requested/kept counts, the offsets and the aux loss.
__global__ void __launch_bounds__(kScanThreads)
    route_scan_kernel(GatingParams p, int nb, const int32_t* __restrict__ blk_count,
                      const float* __restrict__ blk_prob, int32_t* __restrict__ pos_base,
                      int32_t* __restrict__ requested, int32_t* __restrict__ kept,
                      int32_t* __restrict__ offset, float* __restrict__ aux_loss) {
  __shared__ int32_t s_seg[kScanThreads];
  __shared__ int32_t s_req[kMaxExperts];
  __shared__ float s_prob[kMaxExperts];
  const int tid = threadIdx.x, E = p.experts;
  int per = 1;
  while (per * 2 * E <= kScanThreads) per *= 2;  // threads per expert
  const int e = tid / per, s = tid % per;
  const int len = p.k * nb, seg = (len + per - 1) / per;
  const int q0 = min(len, s * seg), q1 = min(len, q0 + seg);
  auto at = [&](int q) {  // q = j·nb + b
    const int j = q / nb, b = q % nb;
    return (static_cast<int64_t>(b) * p.k + j) * E + e;
  };
  int sum = 0;
  if (e < E)
    for (int q = q0; q < q1; ++q) sum += blk_count[at(q)];
  s_seg[tid] = sum;
  __syncthreads();
  if (e < E) {
    int run = 0;
    for (int u = 0; u < s; ++u) run += s_seg[e * per + u];
    for (int q = q0; q < q1; ++q) {
      const int64_t i = at(q);
      pos_base[i] = run;
      run += blk_count[i];
    }
    if (s == per - 1) s_req[e] = run;
  }
  for (int x = tid; x < E; x += blockDim.x) {
    float acc = 0.0f;
#pragma unroll 16  // independent loads in flight; the fadd chain keeps block order
    for (int b = 0; b < nb; ++b) acc = fadd(acc, blk_prob[static_cast<int64_t>(b) * E + x]);
    s_prob[x] = acc;
  }
  __syncthreads();
  if (tid == 0) {
    int off = 0;
    float loss = 0.0f;
    const float inv_tk = 1.0f / (static_cast<float>(p.tokens) * static_cast<float>(p.k));
    const float inv_t = 1.0f / static_cast<float>(p.tokens);
    for (int x = 0; x < E; ++x) {
      const int req = s_req[x], kp = min(req, p.capacity);
      requested[x] = req;
      kept[x] = kp;
      offset[x] = off;
      off += kp;
      loss = fadd(loss, fmul(fmul(static_cast<float>(req), inv_tk), fmul(s_prob[x], inv_t)));
    }
    offset[E] = off;
    aux_loss[0] = fmul(loss, static_cast<float>(E));
  }
}

constexpr int kWarpsPerBlock = 8;

// One warp per token: its k destinations from the scan, then 16-byte copies of the row (read once).
__global__ void __launch_bounds__(kWarpsPerBlock * 32)
    dispatch_kernel(const uint4* __restrict__ x, int nvec, GatingParams p, int nb,
                    const int32_t* __restrict__ expert, const int32_t* __restrict__ local_rank,
                    const int32_t* __restrict__ pos_base, const int32_t* __restrict__ offset,
                    int32_t* __restrict__ dest_row, uint4* __restrict__ rows) {
  const int lane = threadIdx.x & 31;
  const int t = blockIdx.x * kWarpsPerBlock + (threadIdx.x >> 5);
  if (t >= p.tokens) return;
  int my_dest = -1;
  if (lane < p.k) {
    const int64_t i = static_cast<int64_t>(t) * p.k + lane;
    const int e = expert[i];
    if (e >= 0) {
      const int b = t / kGatingBlockTokens;
      const int pos = pos_base[(static_cast<int64_t>(b) * p.k + lane) * p.experts + e] + local_rank[i];
      if (pos < p.capacity) my_dest = offset[e] + pos;
    }
    dest_row[i] = my_dest;
  }
  int dest[kMaxTopK];
#pragma unroll
  for (int j = 0; j < kMaxTopK; ++j) dest[j] = __shfl_sync(0xffffffffu, my_dest, j);
  const uint4* src = x + static_cast<int64_t>(t) * nvec;
  for (int v0 = lane; v0 < nvec; v0 += 4 * 32) {
    uint4 val[4];
#pragma unroll
    for (int u = 0; u < 4; ++u)
      if (v0 + u * 32 < nvec) val[u] = src[v0 + u * 32];
#pragma unroll
    for (int j = 0; j < kMaxTopK; ++j) {
      if (j >= p.k || dest[j] < 0) continue;
      uint4* dst = rows + static_cast<int64_t>(dest[j]) * nvec;
#pragma unroll
      for (int u = 0; u < 4; ++u)
        if (v0 + u * 32 < nvec) dst[v0 + u * 32] = val[u];
    }
  }
}

__device__ __forceinline__ void accumulate8(float* acc, const uint4& v, float g) {
  const uint32_t w[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    acc[2 * i] = fadd(acc[2 * i], fmul(g, bf16_to_float(static_cast<bf16_bits>(w[i] & 0xffffu))));
    acc[2 * i + 1] = fadd(acc[2 * i + 1], fmul(g, bf16_to_float(static_cast<bf16_bits>(w[i] >> 16))));
  }
}

__device__ __forceinline__ uint4 pack8(const float* acc) {
  uint32_t w[4];
#pragma unroll
  for (int i = 0; i < 4; ++i)
    w[i] = static_cast<uint32_t>(float_to_bf16(acc[2 * i])) |
           (static_cast<uint32_t>(float_to_bf16(acc[2 * i + 1])) << 16);
  return make_uint4(w[0], w[1], w[2], w[3]);
}

// One warp per token: gathers its k expert rows and sums them weighted in fp32, j ascending.
__global__ void __launch_bounds__(kWarpsPerBlock * 32)
    combine_kernel(const uint4* __restrict__ y, int nvec, int tokens, int k,
                   const int32_t* __restrict__ dest_row, const float* __restrict__ gate,
                   uint4* __restrict__ out) {
  const int lane = threadIdx.x & 31;
  const int t = blockIdx.x * kWarpsPerBlock + (threadIdx.x >> 5);
  if (t >= tokens) return;
  int my_dest = -1;
  float my_gate = 0.0f;
  if (lane < k) {
    my_dest = dest_row[static_cast<int64_t>(t) * k + lane];
    my_gate = gate[static_cast<int64_t>(t) * k + lane];
  }
  int dest[kMaxTopK];
  float g[kMaxTopK];
#pragma unroll
  for (int j = 0; j < kMaxTopK; ++j) {
    dest[j] = __shfl_sync(0xffffffffu, my_dest, j);
    g[j] = __shfl_sync(0xffffffffu, my_gate, j);
  }
  uint4* dst = out + static_cast<int64_t>(t) * nvec;
  for (int v0 = lane; v0 < nvec; v0 += 2 * 32) {
    float acc[2][8];
#pragma unroll
    for (int u = 0; u < 2; ++u)
#pragma unroll
      for (int i = 0; i < 8; ++i) acc[u][i] = 0.0f;
#pragma unroll
    for (int j = 0; j < kMaxTopK; ++j) {
      if (j >= k || dest[j] < 0) continue;
      const uint4* src = y + static_cast<int64_t>(dest[j]) * nvec;
      uint4 val[2];
#pragma unroll
      for (int u = 0; u < 2; ++u)
        if (v0 + u * 32 < nvec) val[u] = src[v0 + u * 32];
#pragma unroll
      for (int u = 0; u < 2; ++u)
        if (v0 + u * 32 < nvec) accumulate8(acc[u], val[u], g[j]);
    }
#pragma unroll
    for (int u = 0; u < 2; ++u)
      if (v0 + u * 32 < nvec) dst[v0 + u * 32] = pack8(acc[u]);
  }
}

__global__ void fill_bf16_kernel(bf16_bits* p, size_t n, uint64_t seed, uint64_t stream, float scale) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<size_t>(gridDim.x) * blockDim.x)
    p[i] = rng_bf16(seed, stream, i, scale);
}

__global__ void fill_logits_kernel(float* p, int tokens, int experts, float zipf_s, float log_z,
                                   uint64_t seed) {
  const size_t n = static_cast<size_t>(tokens) * experts;
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    const int e = static_cast<int>(i % experts);
    const float u = (static_cast<float>(rng_bits(seed, 7, i) >> 40) + 0.5f) * (1.0f / 16777216.0f);
    p[i] = -zipf_s * logf(e + 1.0f) - log_z - logf(-logf(u));
  }
}

int grid_for(size_t n) {
  return static_cast<int>(std::min<size_t>((n + 255) / 256, 132 * 16));
}

}  // namespace

bool gpu_available(std::string* why) {
  int n = 0;
  const cudaError_t err = cudaGetDeviceCount(&n);
  if (err != cudaSuccess) {
    if (why) *why = std::string("no GPU found (cudaGetDeviceCount: ") + cudaGetErrorString(err) + ")";
    cudaGetLastError();
    return false;
  }
  if (n == 0) {
    if (why) *why = "no GPU found (cudaGetDeviceCount returned 0 devices)";
    return false;
  }
  return true;
}

GpuRouting::GpuRouting(const GatingConfig& cfg)
    : params{cfg.tokens,    cfg.experts, cfg.k, expert_capacity(cfg), static_cast<int>(cfg.policy),
             cfg.noise_std, cfg.seed},
      num_blocks((cfg.tokens + kGatingBlockTokens - 1) / kGatingBlockTokens),
      expert(static_cast<size_t>(cfg.tokens) * cfg.k),
      local_rank(expert.size()),
      dest_row(expert.size()),
      gate(expert.size()),
      blk_count(static_cast<size_t>(num_blocks) * cfg.k * cfg.experts),
      pos_base(blk_count.size()),
      blk_prob(static_cast<size_t>(num_blocks) * cfg.experts),
      requested(cfg.experts),
      kept(cfg.experts),
      offset(cfg.experts + 1),
      aux_loss(1) {}

Routing GpuRouting::download() const {
  Routing r;
  r.tokens = params.tokens, r.experts = params.experts, r.k = params.k, r.capacity = params.capacity;
  r.expert = expert.download();
  r.gate = gate.download();
  r.dest_row = dest_row.download();
  r.requested = requested.download();
  r.kept = kept.download();
  r.offset = offset.download();
  r.aux_loss = aux_loss.download()[0];
  return r;
}

void gating_gpu(const float* logits, GpuRouting& r, cudaStream_t s, GatingImpl impl) {
  if (impl == GatingImpl::kWarpPerToken)
    gate_topk_warp_kernel<<<r.num_blocks, kWarpGatingWarps * 32, 0, s>>>(logits, r.params, r.expert.get(),
                                                                         r.gate.get(), r.local_rank.get(),
                                                                         r.blk_count.get(), r.blk_prob.get());
  else
    gate_topk_kernel<<<r.num_blocks, kGatingBlockTokens, 0, s>>>(logits, r.params, r.expert.get(),
                                                                 r.gate.get(), r.local_rank.get(),
                                                                 r.blk_count.get(), r.blk_prob.get());
  MOESIM_CUDA_CHECK_LAUNCH();
  route_scan_kernel<<<1, kScanThreads, 0, s>>>(r.params, r.num_blocks, r.blk_count.get(), r.blk_prob.get(),
                                               r.pos_base.get(), r.requested.get(), r.kept.get(),
                                               r.offset.get(), r.aux_loss.get());
  MOESIM_CUDA_CHECK_LAUNCH();
}

void dispatch_gpu(const bf16_bits* x, int d_model, GpuRouting& r, bf16_bits* rows, cudaStream_t s) {
  if (d_model % 8) throw std::invalid_argument("dispatch_gpu: d_model must be a multiple of 8");
  const int blocks = (r.params.tokens + kWarpsPerBlock - 1) / kWarpsPerBlock;
  dispatch_kernel<<<blocks, kWarpsPerBlock * 32, 0, s>>>(
      reinterpret_cast<const uint4*>(x), d_model / 8, r.params, r.num_blocks, r.expert.get(),
      r.local_rank.get(), r.pos_base.get(), r.offset.get(), r.dest_row.get(), reinterpret_cast<uint4*>(rows));
  MOESIM_CUDA_CHECK_LAUNCH();
}

void combine_gpu(const bf16_bits* y_rows, int d_model, const GpuRouting& r, bf16_bits* out, cudaStream_t s) {
  if (d_model % 8) throw std::invalid_argument("combine_gpu: d_model must be a multiple of 8");
  const int blocks = (r.params.tokens + kWarpsPerBlock - 1) / kWarpsPerBlock;
  combine_kernel<<<blocks, kWarpsPerBlock * 32, 0, s>>>(reinterpret_cast<const uint4*>(y_rows), d_model / 8,
                                                        r.params.tokens, r.params.k, r.dest_row.get(),
                                                        r.gate.get(), reinterpret_cast<uint4*>(out));
  MOESIM_CUDA_CHECK_LAUNCH();
}

void fill_random_bf16_gpu(bf16_bits* p, size_t n, uint64_t seed, uint64_t stream, float scale,
                          cudaStream_t s) {
  fill_bf16_kernel<<<grid_for(n), 256, 0, s>>>(p, n, seed, stream, scale);
  MOESIM_CUDA_CHECK_LAUNCH();
}

void fill_random_logits_gpu(float* p, int tokens, int experts, double zipf_s, uint64_t seed, cudaStream_t s) {
  double z = 0.0;
  for (int e = 0; e < experts; ++e) z += std::pow(e + 1.0, -zipf_s);
  fill_logits_kernel<<<grid_for(static_cast<size_t>(tokens) * experts), 256, 0, s>>>(
      p, tokens, experts, static_cast<float>(zipf_s), static_cast<float>(std::log(z)), seed);
  MOESIM_CUDA_CHECK_LAUNCH();
}

}  // namespace moesim::kernels
