// moesim kernels — how long one kernel takes at a given shape on one chip: the shape model
// (kernels/gemm_model.h) everywhere, corrected by a profile measured on that chip wherever the shape lies
// inside what the profile measured.
//
// The correction is the measured / modelled time ratio of each profile entry, interpolated log-log: at a
// query shape inside the profiled range of every feature (tokens, d_model, d_ff, local experts, ...) the
// log ratio is the inverse-distance-weighted mean (Shepard 1968, power 2) of the entries' log ratios in
// log-feature space, with the token axis scaled by 1/4 so that neighbours along tokens of the same shape
// family outweigh other families (chosen by leave-one-token-count-out cross-validation on h100.json:
// tests/kernels/test_cost_model.cpp states the held-out errors). At a measured shape the answer is the
// measurement itself; outside the range it is the shape model alone. Only skew-free (zipf_s = 0) bf16
// entries are used: the step builder accounts for skew through each device's received tokens.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "kernels/gemm_model.h"
#include "kernels/kernel_shape.h"
#include "kernels/profile_db.h"

namespace moesim::kernels {

/// Where an estimate came from.
enum class CostSource { kMeasured, kShapeModel };

/// One estimate: its time and whether measurements set it.
struct CostEstimate {
  double time_s = 0.0;
  CostSource source = CostSource::kShapeModel;
  bool measured() const { return source == CostSource::kMeasured; }
};

/// Kernel cost model of one chip in bf16 (the format the profiler measures in).
class KernelCostModel {
 public:
  /// The shape model alone: chips (or formats) with no profile.
  explicit KernelCostModel(ChipModel chip);
  /// The shape model corrected by `db`, a profile measured on this chip (callers check the GPU with
  /// check_profile_gpu).
  KernelCostModel(ChipModel chip, const ProfileDb& db);

  /// One MoE kernel of the layer (router GEMM, gating, dispatch, expert up / down, combine).
  CostEstimate kernel(KernelKind kind, const KernelShape& shape) const;
  /// A grouped GEMM: `shape.groups` products, one weight matrix per group, one kernel, no epilogue. The
  /// profile's expert down-projections are such kernels.
  CostEstimate grouped_gemm(const GemmShape& shape) const;
  /// One plain GEMM kernel (groups = 1; batched products use grouped_gemm). The profile's cuBLAS
  /// expert loop is a sequence of such calls, one per expert.
  CostEstimate gemm(const GemmShape& shape) const;
  /// The shape model's time for a MoE kernel, ignoring measurements.
  double model_time_s(KernelKind kind, const KernelShape& shape) const;

  bool has_profile() const { return has_profile_; }
  const ChipModel& chip() const { return chip_; }

 private:
  // In KernelKind's order (kExpertDown's table is the grouped GEMM one), then the plain GEMM table.
  enum Table { kRouter, kGating, kDispatch, kExpertUp, kGrouped, kCombine, kGemm, kTables };
  struct Point {
    std::array<double, 4> x{};  ///< log features, the token-like one first
    int key = 0;                ///< a discrete feature that must match exactly (k, glu)
    double log_ratio = 0;       ///< log(measured / modelled)
  };
  struct Features {
    std::array<double, 4> x{};
    int dims = 0;
    int key = 0;
  };
  static Features features(Table table, const KernelShape& shape);
  static Features gemm_features(const GemmShape& shape);
  std::optional<double> log_ratio(Table table, const Features& f) const;
  void add(Table table, const Features& f, double measured_s, double modelled_s);
  CostEstimate corrected(Table table, const Features& f, double modelled_s) const;
  GemmShape expert_gemm(KernelKind kind, const KernelShape& shape) const;

  ChipModel chip_;
  bool has_profile_ = false;
  std::array<std::vector<Point>, kTables> tables_;
  std::array<int, kTables> dims_{};
};

}  // namespace moesim::kernels
