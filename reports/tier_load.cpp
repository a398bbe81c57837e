// moesim — per-device link load over the step.
#include "reports/tier_load.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "sim/step/collective_costs.h"

namespace moesim::reports {
namespace {

/// The piecewise-constant sum of the rates that `changes` (time, +rate at a start / -rate at an end) add.
TierLoadSeries sweep(std::vector<std::pair<double, double>> changes) {
  std::sort(changes.begin(), changes.end());
  TierLoadSeries s;
  s.points.push_back({0, 0});
  double level = 0;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    level += changes[i].second;
    if (i + 1 < changes.size() && changes[i + 1].first == changes[i].first) continue;
    if (std::abs(level) < 1e-12) level = 0;
    if (s.points.back().time_s == changes[i].first)
      s.points.back().utilisation = level;
    else
      s.points.push_back({changes[i].first, level});
  }
  return s;
}

}  // namespace

std::vector<TierLoadSeries> tier_load_series(const std::vector<sim::TimelineOp>& ops,
                                             const std::vector<std::string>& tiers, double step_time_s) {
  // (rank, tier) -> rate changes (time, +-busy/duration) and busy seconds
  std::map<std::pair<int, std::size_t>, std::pair<std::vector<std::pair<double, double>>, double>> per;
  for (const auto& op : ops) {
    const double run_s = op.end_s - op.start_s;
    for (std::size_t t = 0; t < op.tier_busy_s.size() && t < tiers.size(); ++t) {
      const double busy = op.tier_busy_s[t];
      if (!(busy > 0) || !(run_s > 0) || !sim::LinkResources::device_attached(tiers[t])) continue;
      auto& [changes, total] = per[{op.real_device, t}];
      changes.emplace_back(op.start_s, busy / run_s);
      changes.emplace_back(op.end_s, -busy / run_s);
      total += busy;
    }
  }
  std::vector<TierLoadSeries> out;
  for (auto& [key, value] : per) {
    TierLoadSeries s = sweep(std::move(value.first));
    s.rank = key.first;
    s.tier = tiers[key.second];
    s.mean_utilisation = step_time_s > 0 ? value.second / step_time_s : 0;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace moesim::reports
