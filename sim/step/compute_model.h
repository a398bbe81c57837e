// moesim — how long one device's compute kernels take in the step.
#pragma once

#include <string>

#include "kernels/kernel_cost_model.h"

namespace moesim::sim {

/// Compute times of one accelerator. MoE kernels (router, gating, dispatch, expert FFN, combine) come from
/// the kernels module's cost model: interpolated from a profile measured on a real GPU when the scenario's
/// accelerator is the one profiled, else its roofline. Other layers (attention, dense FFN, logits) are
/// matrix products timed with the same roofline and the GEMM efficiency calibrated on the expert GEMMs
/// (Williams, Waterman, Patterson, "Roofline", CACM 2009).
class ComputeModel {
 public:
  /// `source` says where the numbers come from, for reports ("measured profile FILE" or "roofline").
  ComputeModel(kernels::KernelCostModel cost_model, std::string source)
      : cost_(std::move(cost_model)), source_(std::move(source)) {}

  /// A matrix-product layer of `flops` FLOPs that moves `bytes` through HBM: launch + max(compute, memory).
  double dense_time_s(double flops, double bytes) const;
  /// True when such a layer is limited by memory bandwidth rather than FLOPs (energy state).
  bool dense_memory_bound(double flops, double bytes) const;
  /// A purely memory-bound pass over `bytes` (optimizer step).
  double memory_time_s(double bytes) const;
  /// One MoE kernel at a shape (see kernels/kernel_shape.h).
  double kernel_time_s(kernels::KernelKind kind, const kernels::KernelShape& shape) const;
  /// Whether kernel_time_s answered from measurements for this shape.
  bool kernel_measured(kernels::KernelKind kind, const kernels::KernelShape& shape) const;

  double peak_flops() const { return cost_.peak_flops(); }
  const std::string& source() const { return source_; }

 private:
  kernels::KernelCostModel cost_;
  std::string source_;
};

}  // namespace moesim::sim
