#include "kernels/kernel_cost_model.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <tuple>

namespace moesim::kernels {
namespace {

constexpr double kTokenAxisScale = 0.25;  // see the header: token axis weight in the distance
constexpr double kFp32 = 4, kBf16 = 2;

}  // namespace

KernelCostModel::KernelCostModel(ChipModel chip) : chip_(chip) {
  if (!(chip.peak_flop_per_s > 0) || !(chip.hbm_Bps > 0))
    throw std::invalid_argument("KernelCostModel: the chip needs a peak FLOP/s and a memory bandwidth");
}

KernelCostModel::KernelCostModel(ChipModel chip, const ProfileDb& db) : KernelCostModel(chip) {
  has_profile_ = true;
  // The fastest implementation of every measured shape (skew-free entries only).
  std::map<std::tuple<int, int64_t, int, int, int, int, bool>, const ProfileEntry*> fastest;
  for (const ProfileEntry& e : db.entries) {
    if (e.shape.zipf_s != 0.0) continue;
    const auto& s = e.shape;
    const auto key =
        std::make_tuple(static_cast<int>(e.kind), s.tokens, s.d_model, s.d_ff, s.experts, s.k, s.glu);
    auto [it, inserted] = fastest.emplace(key, &e);
    if (!inserted && e.median_s < it->second->median_s) it->second = &e;
    // Every call of the cuBLAS expert loop is one plain GEMM [rows of one expert, d_ff] x [d_ff, d_model].
    if (e.kind == KernelKind::kExpertDown && e.impl == "cublas" && s.experts > 0) {
      const GemmShape g{static_cast<double>(s.tokens) * s.k / s.experts, static_cast<double>(s.d_model),
                        static_cast<double>(s.d_ff), 1.0};
      add(kGemm, gemm_features(g), e.median_s / s.experts, estimate_gemm(chip_, g).time_s);
    }
  }
  for (const auto& [key, e] : fastest) {
    const auto table = e->kind == KernelKind::kExpertDown ? kGrouped : static_cast<Table>(e->kind);
    add(table, features(table, e->shape), e->median_s, model_time_s(e->kind, e->shape));
  }
}

void KernelCostModel::add(Table table, const Features& f, double measured_s, double modelled_s) {
  if (!(measured_s > 0) || !(modelled_s > 0)) return;
  tables_[table].push_back(Point{f.x, f.key, std::log(measured_s / modelled_s)});
  dims_[table] = f.dims;
}

KernelCostModel::Features KernelCostModel::features(Table table, const KernelShape& s) {
  const double T = static_cast<double>(s.tokens), copies = T * s.k, E = std::max(1, s.experts);
  Features f;
  switch (table) {
    case kRouter:
      f.x = {T, static_cast<double>(s.d_model), E, 1}, f.dims = 3;
      break;
    case kGating:
      f.x = {T, E, 1, 1}, f.dims = 2, f.key = s.k;
      break;
    case kDispatch:
    case kCombine:
      f.x = {copies, static_cast<double>(s.d_model), 1, 1}, f.dims = 2;
      break;
    case kExpertUp:
      f.x = {copies / E, static_cast<double>(s.d_model), static_cast<double>(s.d_ff), E}, f.dims = 4;
      f.key = s.glu ? 1 : 0;
      break;
    case kGrouped:  // expert down: [rows, d_ff] x [d_ff, d_model] per expert
      return gemm_features(
          GemmShape{copies / E, static_cast<double>(s.d_model), static_cast<double>(s.d_ff), E});
    case kGemm:
    case kTables:
      break;
  }
  for (double& v : f.x) v = std::log(std::max(v, 1e-30));
  return f;
}

KernelCostModel::Features KernelCostModel::gemm_features(const GemmShape& g) {
  Features f;
  f.x = {std::log(g.m), std::log(g.n), std::log(g.k), std::log(g.groups)};
  f.dims = 4;
  return f;
}

std::optional<double> KernelCostModel::log_ratio(Table table, const Features& f) const {
  const auto& pts = tables_[table];
  const int dims = dims_[table];
  if (pts.empty() || dims != f.dims) return std::nullopt;
  // Inside the profiled range of every feature (among the entries with the same discrete key)?
  bool any = false;
  for (int d = 0; d < dims; ++d) {
    double lo = INFINITY, hi = -INFINITY;
    for (const Point& p : pts) {
      if (p.key != f.key) continue;
      any = true;
      lo = std::min(lo, p.x[d]), hi = std::max(hi, p.x[d]);
    }
    if (!any || f.x[d] < lo - 1e-9 || f.x[d] > hi + 1e-9) return std::nullopt;
  }
  double num = 0, den = 0;
  for (const Point& p : pts) {
    if (p.key != f.key) continue;
    double dist2 = 0;
    for (int d = 0; d < dims; ++d) {
      const double delta = (p.x[d] - f.x[d]) * (d == 0 ? kTokenAxisScale : 1.0);
      dist2 += delta * delta;
    }
    if (dist2 < 1e-18) return p.log_ratio;  // a measured shape: the measurement itself
    num += p.log_ratio / dist2, den += 1.0 / dist2;
  }
  return num / den;
}

CostEstimate KernelCostModel::corrected(Table table, const Features& f, double modelled_s) const {
  if (!(modelled_s > 0)) return {0.0, CostSource::kShapeModel};
  if (const auto r = log_ratio(table, f)) return {modelled_s * std::exp(*r), CostSource::kMeasured};
  return {modelled_s, CostSource::kShapeModel};
}

GemmShape KernelCostModel::expert_gemm(KernelKind kind, const KernelShape& s) const {
  const double E = std::max(1, s.experts);
  const double rows = static_cast<double>(s.tokens) * s.k / E;
  if (kind == KernelKind::kExpertUp) {
    // GLU: both input matrices in one product of 2·d_ff columns; the activation is the epilogue, so the
    // kernel writes d_ff columns (c_bytes scaled to the activated output).
    const double g = s.glu ? 2.0 : 1.0;
    return GemmShape{rows, g * s.d_ff, static_cast<double>(s.d_model), E, kBf16, kBf16, kBf16 / g};
  }
  return GemmShape{rows, static_cast<double>(s.d_model), static_cast<double>(s.d_ff), E};
}

double KernelCostModel::model_time_s(KernelKind kind, const KernelShape& s) const {
  if (s.tokens <= 0) return 0.0;
  switch (kind) {
    case KernelKind::kRouterGemm:
      return estimate_gemm(chip_, GemmShape{static_cast<double>(s.tokens), static_cast<double>(s.experts),
                                            static_cast<double>(s.d_model), 1.0, kBf16, kBf16, kFp32})
          .time_s;
    case KernelKind::kExpertUp:
    case KernelKind::kExpertDown:
      return estimate_gemm(chip_, expert_gemm(kind, s)).time_s;
    case KernelKind::kGating:
    case KernelKind::kDispatch:
    case KernelKind::kCombine:
      return stream_time_s(chip_, kernel_bytes(kind, s));
  }
  return 0.0;
}

CostEstimate KernelCostModel::kernel(KernelKind kind, const KernelShape& s) const {
  if (s.tokens <= 0) return {};
  const double modelled = model_time_s(kind, s);
  if (s.zipf_s != 0.0) return {modelled, CostSource::kShapeModel};
  const Table table = kind == KernelKind::kExpertDown ? kGrouped : static_cast<Table>(kind);
  return corrected(table, features(table, s), modelled);
}

CostEstimate KernelCostModel::grouped_gemm(const GemmShape& g) const {
  const double modelled = estimate_gemm(chip_, g).time_s;
  const bool bf16 = g.a_bytes == kBf16 && g.b_bytes == kBf16;
  if (!bf16 || g.m <= 0 || g.n <= 0 || g.k <= 0) return {modelled, CostSource::kShapeModel};
  return corrected(kGrouped, gemm_features(g), modelled);
}

CostEstimate KernelCostModel::gemm(const GemmShape& g) const {
  const double modelled = estimate_gemm(chip_, g).time_s;
  const bool bf16 = g.a_bytes == kBf16 && g.b_bytes == kBf16 && g.groups == 1.0;
  if (!bf16 || g.m <= 0 || g.n <= 0 || g.k <= 0) return {modelled, CostSource::kShapeModel};
  return corrected(kGemm, gemm_features(g), modelled);
}

}  // namespace moesim::kernels
