#include "plan/plan_explain.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

#include "plan/plan_format.h"
#include "reports/report_units.h"

namespace moesim::plan {
namespace {

using reports::format_value;
using reports::Measure;

/// What each activity of the breakdown is called in the sentence.
constexpr std::array<const char*, sim::kActivityCount> kActivityPhrase{
    "on compute",
    "in memory-bound kernels",
    "on exposed all-to-all",
    "on exposed all-reduce",
    "on pipeline transfers",
    "idle (bubbles, waiting for slower peers)"};

std::string signed_seconds(double s) {
  std::string out(1, s >= 0 ? '+' : '-');
  out += format_value(Measure::kSeconds, std::fabs(s));
  return out;
}

/// "+31.2 ms on exposed all-reduce and +2.3 ms idle ..., -0.1 ms on compute".
std::string activity_gap(const LayoutOutcome& best, const LayoutOutcome& other) {
  std::vector<std::pair<double, std::size_t>> diffs;
  for (std::size_t i = 0; i < sim::kActivityCount; ++i)
    diffs.emplace_back(other.breakdown_s[i] - best.breakdown_s[i], i);
  std::sort(diffs.begin(), diffs.end(),
            [](const auto& a, const auto& b) { return std::fabs(a.first) > std::fabs(b.first); });
  double scale = 0;
  for (const auto& d : diffs) scale += std::fabs(d.first);
  if (scale == 0) return "the same time in every activity";
  std::ostringstream o;
  double covered = 0;
  for (std::size_t k = 0; k < diffs.size() && k < 4; ++k) {
    if (k > 0 && covered >= 0.9 * scale) break;
    o << (k ? ", " : "") << signed_seconds(diffs[k].first) << " " << kActivityPhrase[diffs[k].second];
    covered += std::fabs(diffs[k].first);
  }
  return o.str();
}

}  // namespace

std::string layout_differences(const Layout& a, const Layout& b) {
  const auto& p = a.parallelism;
  const auto& q = b.parallelism;
  std::vector<std::string> out;
  auto num = [&](const char* name, std::int64_t x, std::int64_t y) {
    if (x != y) out.push_back(std::string(name) + " " + std::to_string(y) + " vs " + std::to_string(x));
  };
  num("devices", a.devices, b.devices);
  num("tensor", p.tensor, q.tensor);
  num("pipeline", p.pipeline, q.pipeline);
  num("expert", p.expert, q.expert);
  num("expert tensor", p.expert_tensor_degree(), q.expert_tensor_degree());
  num("data", p.data, q.data);
  num("micro-batches", p.micro_batches, q.micro_batches);
  num("virtual stages", p.virtual_stages, q.virtual_stages);
  num("ZeRO", p.zero, q.zero);
  if (a.recompute != b.recompute)
    out.push_back("recompute " + std::string(workloads::to_string(b.recompute)) + " vs " +
                  std::string(workloads::to_string(a.recompute)));
  if (p.sequence_parallel != q.sequence_parallel)
    out.push_back(std::string("sequence parallelism ") + (q.sequence_parallel ? "on vs off" : "off vs on"));
  if (a.ep_comm != b.ep_comm)
    out.push_back(std::string("all-to-all overlap ") + (b.ep_comm ? "on vs off" : "off vs on"));
  if (p.balance_stages != q.balance_stages)
    out.push_back(std::string("stages ") + (q.balance_stages ? "balanced vs even" : "even vs balanced"));
  if (out.empty()) return "nothing";
  std::string s;
  for (std::size_t i = 0; i < out.size(); ++i) s += (i ? ", " : "") + out[i];
  return s;
}

std::string explain_best(const LayoutOutcome& best, const LayoutOutcome& runner_up, Objective objective) {
  const double a = best.objective_value(objective), b = runner_up.objective_value(objective);
  std::ostringstream o;
  o << best.layout.label(best.layout.devices != runner_up.layout.devices);
  if (b > a) {
    o << " beats " << runner_up.layout.label(best.layout.devices != runner_up.layout.devices) << " by "
      << reports::format_number(100.0 * (b - a) / b, 3) << "%";
  } else {
    o << " ties with " << runner_up.layout.label(best.layout.devices != runner_up.layout.devices);
  }
  o << " (" << format_objective(objective, a) << " vs " << format_objective(objective, b) << " per step";
  if (objective != Objective::kTime)
    o << "; step time " << format_value(Measure::kSeconds, best.step_time_s) << " vs "
      << format_value(Measure::kSeconds, runner_up.step_time_s);
  o << "); the runner-up differs in " << layout_differences(best.layout, runner_up.layout) << " and spends "
    << activity_gap(best, runner_up) << " per step; memory per device "
    << format_value(Measure::kBytes, best.memory.total_bytes()) << " vs "
    << format_value(Measure::kBytes, runner_up.memory.total_bytes()) << ".";
  return o.str();
}

}  // namespace moesim::plan
