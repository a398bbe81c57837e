// moesim kernels — how long one MoE kernel takes at a given shape: interpolated from a measured profile DB
// where the shape was measured, otherwise a roofline (Williams, Waterman, Patterson, CACM 2009):
//   t = launch_overhead_s + max(FLOPs / (peak_flops · compute_eff), bytes / (mem_bw_Bps · memory_eff))
// with, per kernel kind, the efficiencies and the overhead calibrated on the profile.
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "kernels/kernel_shape.h"
#include "kernels/profile_db.h"

namespace moesim::kernels {

/// Roofline parameters of one kernel kind.
struct RooflineParams {
  double launch_overhead_s = 4e-6;  ///< ≈ 4 µs per eager launch (kernels-state-of-the-art.md §0)
  double compute_eff = 0.7;         ///< fraction of peak FLOP/s; H100 bf16 GEMMs reach ≈ 0.80 (MAMF table)
  double memory_eff = 0.85;         ///< fraction of peak bytes/s; H100 streaming ≈ 0.84–0.90 of 3.35 TB/s
};

/// Where an estimate came from.
enum class CostSource { kMeasured, kRoofline };

struct CostEstimate {
  double time_s = 0.0;
  CostSource source = CostSource::kRoofline;
};

/// Kernel cost model of one accelerator. Measured shapes: log-log interpolation in the token count between
/// the nearest measured token counts of the same shape family (same_shape_family), fastest implementation.
/// Everything else: the roofline.
class KernelCostModel {
 public:
  /// Measured + calibrated roofline from a profile DB; the peaks are the profile header's.
  explicit KernelCostModel(const ProfileDb& db);
  /// Reads `path` and checks that it was measured on `gpu` (exact name as CUDA reports it, e.g.
  /// "NVIDIA H100 80GB HBM3"); another GPU → ConfigError naming the file and the key `gpu`.
  static KernelCostModel from_profile_file(const std::string& path, const std::string& gpu);
  /// Roofline only, for a chip with no profile (TPUs, other GPUs): peaks and one set of parameters for all
  /// kinds (defaults from RooflineParams).
  KernelCostModel(double peak_flops, double mem_bw_Bps, RooflineParams params = {});
  /// Roofline only on other hardware, keeping this model's calibrated per-kind parameters.
  KernelCostModel for_hardware(double peak_flops, double mem_bw_Bps) const;

  CostEstimate estimate(KernelKind kind, const KernelShape& shape) const;
  double time_s(KernelKind kind, const KernelShape& shape) const { return estimate(kind, shape).time_s; }
  /// The roofline alone, ignoring measurements.
  double roofline_time_s(KernelKind kind, const KernelShape& shape) const;

  const RooflineParams& params(KernelKind kind) const { return params_[static_cast<int>(kind)]; }
  double peak_flops() const { return peak_flops_; }
  double mem_bw_Bps() const { return mem_bw_Bps_; }
  const std::string& gpu() const { return gpu_; }

 private:
  struct Point {
    double tokens, time_s;
  };
  struct Family {
    KernelKind kind;
    KernelShape shape;
    std::vector<Point> points;  // sorted by tokens, fastest implementation per token count
  };
  KernelCostModel() = default;
  void calibrate(const ProfileDb& db);

  std::string gpu_;
  double peak_flops_ = 0.0, mem_bw_Bps_ = 0.0;
  std::array<RooflineParams, kNumKernelKinds> params_{};
  std::vector<Family> families_;
};

}  // namespace moesim::kernels
