#include "kernels/kernel_cost_model.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kernels/json_value.h"
#include "workloads/config_error.h"

namespace moesim::kernels {

KernelCostModel::KernelCostModel(double peak_flops, double mem_bw_Bps, RooflineParams params)
    : peak_flops_(peak_flops), mem_bw_Bps_(mem_bw_Bps) {
  if (!(peak_flops > 0.0) || !(mem_bw_Bps > 0.0))
    throw std::invalid_argument("KernelCostModel: peak FLOP/s and memory bytes/s must be > 0");
  params_.fill(params);
}

KernelCostModel::KernelCostModel(const ProfileDb& db)
    : gpu_(db.header.gpu), peak_flops_(db.header.peak_flops), mem_bw_Bps_(db.header.mem_bw_Bps) {
  params_.fill(RooflineParams{});
  for (const ProfileEntry& e : db.entries) {
    auto fam = std::find_if(families_.begin(), families_.end(), [&](const Family& f) {
      return f.kind == e.kind && same_shape_family(e.kind, f.shape, e.shape);
    });
    if (fam == families_.end()) {
      families_.push_back(Family{e.kind, e.shape, {}});
      fam = families_.end() - 1;
    }
    const double t = static_cast<double>(e.shape.tokens);
    auto pt =
        std::find_if(fam->points.begin(), fam->points.end(), [&](const Point& p) { return p.tokens == t; });
    if (pt == fam->points.end())
      fam->points.push_back(Point{t, e.median_s});
    else
      pt->time_s = std::min(pt->time_s, e.median_s);  // the fastest implementation
  }
  for (Family& f : families_)
    std::sort(f.points.begin(), f.points.end(),
              [](const Point& a, const Point& b) { return a.tokens < b.tokens; });
  calibrate(db);
}

void KernelCostModel::calibrate(const ProfileDb& db) {
  for (int k = 0; k < kNumKernelKinds; ++k) {
    const auto kind = static_cast<KernelKind>(k);
    double best_c = 0.0, best_m = 0.0;
    bool any = false;
    for (const ProfileEntry& e : db.entries) {
      if (e.kind != kind) continue;
      any = true;
      best_c = std::max(best_c, e.flops_per_s() / peak_flops_);
      best_m = std::max(best_m, e.bytes_per_s() / mem_bw_Bps_);
    }
    if (!any) continue;
    RooflineParams& p = params_[k];
    // Upper envelope: the best efficiency reached; then the overhead that makes the roofline touch the
    // measurement it over-predicts the least (so it never predicts faster than the fastest measurement).
    p.compute_eff = best_c > 0.0 ? std::min(best_c, 1.0) : p.compute_eff;
    p.memory_eff = best_m > 0.0 ? std::min(best_m, 1.0) : p.memory_eff;
    double overhead = INFINITY;
    for (const ProfileEntry& e : db.entries) {
      if (e.kind != kind) continue;
      const double work =
          std::max(e.flops / (peak_flops_ * p.compute_eff), e.bytes / (mem_bw_Bps_ * p.memory_eff));
      overhead = std::min(overhead, std::max(0.0, e.median_s - work));
    }
    p.launch_overhead_s = overhead;
  }
}

KernelCostModel KernelCostModel::from_profile_file(const std::string& path, const std::string& gpu) {
  ProfileDb db = read_profile_db(path);
  if (db.header.gpu != gpu)
    throw ConfigError(path, 0, "gpu",
                      "a profile measured on " + json_quote(gpu) + ", got " + json_quote(db.header.gpu));
  return KernelCostModel(db);
}

KernelCostModel KernelCostModel::for_hardware(double peak_flops, double mem_bw_Bps) const {
  KernelCostModel m(peak_flops, mem_bw_Bps);
  m.params_ = params_;
  return m;
}

double KernelCostModel::roofline_time_s(KernelKind kind, const KernelShape& shape) const {
  const RooflineParams& p = params(kind);
  const double compute = kernel_flops(kind, shape) / (peak_flops_ * p.compute_eff);
  const double memory = kernel_bytes(kind, shape) / (mem_bw_Bps_ * p.memory_eff);
  return p.launch_overhead_s + std::max(compute, memory);
}

CostEstimate KernelCostModel::estimate(KernelKind kind, const KernelShape& shape) const {
  if (shape.tokens <= 0) throw std::invalid_argument("KernelCostModel: tokens must be > 0");
  const double t = static_cast<double>(shape.tokens);
  for (const Family& f : families_) {
    if (f.kind != kind || !same_shape_family(kind, f.shape, shape)) continue;
    const auto& pts = f.points;
    if (t < pts.front().tokens || t > pts.back().tokens) break;
    for (size_t i = 0; i < pts.size(); ++i) {
      if (pts[i].tokens == t) return {pts[i].time_s, CostSource::kMeasured};
      if (i + 1 < pts.size() && pts[i].tokens < t && t < pts[i + 1].tokens) {
        const double x =
            (std::log(t) - std::log(pts[i].tokens)) / (std::log(pts[i + 1].tokens) - std::log(pts[i].tokens));
        const double ly =
            std::log(pts[i].time_s) + x * (std::log(pts[i + 1].time_s) - std::log(pts[i].time_s));
        return {std::exp(ly), CostSource::kMeasured};
      }
    }
  }
  return {roofline_time_s(kind, shape), CostSource::kRoofline};
}

}  // namespace moesim::kernels
