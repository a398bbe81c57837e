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
  int stream;  // Stream of the op
};

// Among the streams active in an exposed moment, the one it is charged to.
constexpr Stream kExposedOrder[] = {Stream::kEp,   Stream::kTp,    Stream::kDp,     Stream::kExpertDp,
                                    Stream::kFsdp, Stream::kAsync, Stream::kCompute};

}  // namespace

StepBreakdown breakdown_step(const StepGraph& graph, const Schedule& schedule) {
  const auto& ops = graph.ops();
  const auto devices = static_cast<std::size_t>(graph.device_count());
  std::vector<std::vector<Edge>> edges(devices);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (schedule.end_s[i] <= schedule.start_s[i]) continue;
    const int a = static_cast<int>(activity_of(ops[i]));
    auto& e = edges[static_cast<std::size_t>(ops[i].device)];
    const int stream = static_cast<int>(ops[i].stream);
    e.push_back({schedule.start_s[i], a, +1, stream});
    e.push_back({schedule.end_s[i], a, -1, stream});
  }
  StepBreakdown out;
  out.step_time_s = schedule.makespan_s;
  out.per_device_s.assign(devices, ActivitySeconds{});
  for (std::size_t d = 0; d < devices; ++d) {
    auto& e = edges[d];
    std::sort(e.begin(), e.end(), [](const Edge& a, const Edge& b) { return a.t < b.t; });
    std::array<int, kActivityCount> active{};
    std::array<int, kStreamCount> streams{};
    double t_prev = 0;
    auto& acc = out.per_device_s[d];
    const double share = 1.0 / static_cast<double>(devices);
    // Credits [t_prev, until) to the class active then; `next` is the first edge at `until`.
    auto credit = [&](double until, std::size_t next) {
      if (until <= t_prev) return;
      std::size_t cls = static_cast<std::size_t>(Activity::kIdle);
      for (std::size_t a = 0; a < kActivityCount - 1; ++a) {
        if (active[a] > 0) {
          cls = a;
          break;
        }
      }
      const double dt = until - t_prev;
      acc[cls] += dt;
      const auto comm_begin = static_cast<std::size_t>(Activity::kAllToAll);
      if (cls >= comm_begin && cls < static_cast<std::size_t>(Activity::kIdle)) {
        for (Stream s : kExposedOrder) {
          if (streams[static_cast<std::size_t>(s)] == 0) continue;
          out.exposed_by_stream_s[static_cast<std::size_t>(s)] += dt * share;
          break;
        }
      } else if (cls == static_cast<std::size_t>(Activity::kIdle)) {
        bool collective = false;
        for (std::size_t k = next; k < e.size() && e[k].t == until; ++k)
          if (e[k].delta > 0 && (e[k].activity == static_cast<int>(Activity::kAllToAll) ||
                                 e[k].activity == static_cast<int>(Activity::kAllReduce)))
            collective = true;
        (collective ? out.idle_collective_wait_s : out.idle_bubble_s) += dt * share;
      }
      t_prev = until;
    };
    for (std::size_t k = 0; k < e.size(); ++k) {
      credit(e[k].t, k);
      active[static_cast<std::size_t>(e[k].activity)] += e[k].delta;
      if (e[k].activity >= static_cast<int>(Activity::kAllToAll))
        streams[static_cast<std::size_t>(e[k].stream)] += e[k].delta;
    }
    credit(schedule.makespan_s, e.size());
    for (std::size_t a = 0; a < kActivityCount; ++a) out.mean_s[a] += acc[a] * share;
  }
  return out;
}

}  // namespace moesim::sim
