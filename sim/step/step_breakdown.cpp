#include "sim/step/step_breakdown.h"

#include <algorithm>

namespace moesim::sim {
namespace {

Activity activity_of(const Op& op) {
  if (op.collective < 0 && !is_communication(op.category)) {
    return op.memory_bound ? Activity::kMemoryBound : Activity::kComputeBound;
  }
  if (is_all_to_all(op.category)) return Activity::kAllToAll;
  if (op.category == OpCategory::kPipelineP2p) return Activity::kPipelineP2p;
  return Activity::kAllReduce;
}

struct Edge {
  double t;
  int activity;
  int delta;
};

}  // namespace

StepBreakdown breakdown_step(const StepGraph& graph, const Schedule& schedule) {
  const auto& ops = graph.ops();
  const auto devices = static_cast<std::size_t>(graph.device_count());
  std::vector<std::vector<Edge>> edges(devices);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (schedule.end_s[i] <= schedule.start_s[i]) continue;
    const int a = static_cast<int>(activity_of(ops[i]));
    auto& e = edges[static_cast<std::size_t>(ops[i].device)];
    e.push_back({schedule.start_s[i], a, +1});
    e.push_back({schedule.end_s[i], a, -1});
  }
  StepBreakdown out;
  out.step_time_s = schedule.makespan_s;
  out.per_device_s.assign(devices, ActivitySeconds{});
  for (std::size_t d = 0; d < devices; ++d) {
    auto& e = edges[d];
    std::sort(e.begin(), e.end(), [](const Edge& a, const Edge& b) { return a.t < b.t; });
    std::array<int, kActivityCount> active{};
    double t_prev = 0;
    auto& acc = out.per_device_s[d];
    auto credit = [&](double until) {
      if (until <= t_prev) return;
      std::size_t cls = static_cast<std::size_t>(Activity::kIdle);
      for (std::size_t a = 0; a < kActivityCount - 1; ++a) {
        if (active[a] > 0) {
          cls = a;
          break;
        }
      }
      acc[cls] += until - t_prev;
      t_prev = until;
    };
    for (const auto& edge : e) {
      credit(edge.t);
      active[static_cast<std::size_t>(edge.activity)] += edge.delta;
    }
    credit(schedule.makespan_s);
    for (std::size_t a = 0; a < kActivityCount; ++a) out.mean_s[a] += acc[a] / static_cast<double>(devices);
  }
  return out;
}

}  // namespace moesim::sim
