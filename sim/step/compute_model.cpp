#include "sim/step/compute_model.h"

#include <algorithm>

namespace moesim::sim {

double ComputeModel::dense_time_s(double flops, double bytes) const {
  const auto& p = cost_.params(kernels::KernelKind::kExpertUp);  // calibrated GEMM efficiency
  const double compute = flops / (cost_.peak_flops() * p.compute_eff);
  const double memory = bytes / (cost_.mem_bw_Bps() * p.memory_eff);
  return p.launch_overhead_s + std::max(compute, memory);
}

bool ComputeModel::dense_memory_bound(double flops, double bytes) const {
  const auto& p = cost_.params(kernels::KernelKind::kExpertUp);
  return bytes / (cost_.mem_bw_Bps() * p.memory_eff) > flops / (cost_.peak_flops() * p.compute_eff);
}

double ComputeModel::memory_time_s(double bytes) const {
  const auto& p = cost_.params(kernels::KernelKind::kDispatch);  // a streaming copy kernel's efficiency
  return p.launch_overhead_s + bytes / (cost_.mem_bw_Bps() * p.memory_eff);
}

double ComputeModel::kernel_time_s(kernels::KernelKind kind, const kernels::KernelShape& shape) const {
  if (shape.tokens <= 0) return 0.0;
  return cost_.time_s(kind, shape);
}

bool ComputeModel::kernel_measured(kernels::KernelKind kind, const kernels::KernelShape& shape) const {
  return shape.tokens > 0 && cost_.estimate(kind, shape).source == kernels::CostSource::kMeasured;
}

}  // namespace moesim::sim
