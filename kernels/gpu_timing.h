// moesim kernels — timing of GPU work with CUDA events: warm-up, L2 flushed before each repetition (a
// memset of twice the L2 size, outside the timed region), median and 10th/90th percentiles.
#pragma once

#include <cuda_runtime.h>

#include <functional>

#include "kernels/gpu_moe.h"

namespace moesim::kernels {

struct TimingStats {
  double median_s = 0.0, p10_s = 0.0, p90_s = 0.0;
  int reps = 0;
};

class GpuTimer {
 public:
  explicit GpuTimer(cudaStream_t s);
  ~GpuTimer();
  GpuTimer(const GpuTimer&) = delete;
  GpuTimer& operator=(const GpuTimer&) = delete;
  TimingStats time(const std::function<void()>& work, int warmup, int reps);

 private:
  cudaStream_t stream_;
  cudaEvent_t start_ = nullptr, stop_ = nullptr;
  DeviceBuffer<unsigned char> flush_;
};

}  // namespace moesim::kernels
