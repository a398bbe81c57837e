#include "kernels/gpu_timing.h"

#include <algorithm>
#include <vector>

namespace moesim::kernels {

GpuTimer::GpuTimer(cudaStream_t s) : stream_(s) {
  int dev = 0, l2 = 0;
  MOESIM_CUDA_CHECK(cudaGetDevice(&dev));
  MOESIM_CUDA_CHECK(cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, dev));
  flush_ = DeviceBuffer<unsigned char>(std::max<size_t>(2 * static_cast<size_t>(l2), 1 << 20));
  MOESIM_CUDA_CHECK(cudaEventCreate(&start_));
  MOESIM_CUDA_CHECK(cudaEventCreate(&stop_));
}

GpuTimer::~GpuTimer() {
  if (start_) cudaEventDestroy(start_);
  if (stop_) cudaEventDestroy(stop_);
}

TimingStats GpuTimer::time(const std::function<void()>& work, int warmup, int reps) {
  for (int i = 0; i < warmup; ++i) work();
  MOESIM_CUDA_CHECK(cudaStreamSynchronize(stream_));
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    MOESIM_CUDA_CHECK(cudaMemsetAsync(flush_.get(), i & 0xff, flush_.size(), stream_));
    MOESIM_CUDA_CHECK(cudaEventRecord(start_, stream_));
    work();
    MOESIM_CUDA_CHECK(cudaEventRecord(stop_, stream_));
    MOESIM_CUDA_CHECK(cudaEventSynchronize(stop_));
    float ms = 0.0f;
    MOESIM_CUDA_CHECK(cudaEventElapsedTime(&ms, start_, stop_));
    t.push_back(ms * 1e-3);
  }
  std::sort(t.begin(), t.end());
  auto pct = [&](double q) { return t[static_cast<size_t>(q * (t.size() - 1) + 0.5)]; };
  return TimingStats{pct(0.5), pct(0.1), pct(0.9), reps};
}

}  // namespace moesim::kernels
