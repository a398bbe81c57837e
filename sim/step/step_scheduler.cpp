#include "sim/step/step_scheduler.h"

#include <algorithm>
#include <stdexcept>

namespace moesim::sim {

Schedule schedule_step(const StepGraph& graph) {
  const auto& ops = graph.ops();
  const auto& deps = graph.deps();
  const auto& collectives = graph.collectives();
  const std::size_t n = ops.size();

  // Forward edges (CSR) from explicit dependencies plus stream program order.
  std::vector<std::int32_t> pending(n, 0);
  std::vector<std::int32_t> out_count(n + 1, 0);
  std::vector<std::int32_t> last_on_stream(static_cast<std::size_t>(graph.device_count()) * 2, -1);
  std::vector<std::int32_t> stream_prev(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    if (ops[i].stream == Stream::kAsync) {
      for (auto d : deps[i]) ++out_count[static_cast<std::size_t>(d)];
      pending[i] = static_cast<std::int32_t>(deps[i].size());
      continue;
    }
    const auto slot = static_cast<std::size_t>(ops[i].device) * 2 + static_cast<std::size_t>(ops[i].stream);
    stream_prev[i] = last_on_stream[slot];
    last_on_stream[slot] = static_cast<std::int32_t>(i);
    if (stream_prev[i] >= 0) ++out_count[static_cast<std::size_t>(stream_prev[i])];
    for (auto d : deps[i]) ++out_count[static_cast<std::size_t>(d)];
    pending[i] = static_cast<std::int32_t>(deps[i].size()) + (stream_prev[i] >= 0 ? 1 : 0);
  }
  std::vector<std::int32_t> offset(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) offset[i + 1] = offset[i] + out_count[i];
  std::vector<std::int32_t> succ(static_cast<std::size_t>(offset[n]));
  std::vector<std::int32_t> fill(offset.begin(), offset.end() - 1);
  for (std::size_t i = 0; i < n; ++i) {
    if (stream_prev[i] >= 0)
      succ[static_cast<std::size_t>(fill[static_cast<std::size_t>(stream_prev[i])]++)] =
          static_cast<std::int32_t>(i);
    for (auto d : deps[i])
      succ[static_cast<std::size_t>(fill[static_cast<std::size_t>(d)]++)] = static_cast<std::int32_t>(i);
  }

  Schedule s;
  s.start_s.assign(n, 0);
  s.end_s.assign(n, 0);
  std::vector<double> ready_s(n, 0);
  std::vector<std::int32_t> arrived(collectives.size(), 0);
  std::vector<double> coll_ready_s(collectives.size(), 0);

  std::vector<std::int32_t> worklist;
  for (std::size_t i = 0; i < n; ++i) {
    if (pending[i] == 0) worklist.push_back(static_cast<std::int32_t>(i));
  }
  std::size_t finished = 0;
  auto finish = [&](std::int32_t id) {
    ++finished;
    const double end = s.end_s[static_cast<std::size_t>(id)];
    for (auto k = offset[static_cast<std::size_t>(id)]; k < offset[static_cast<std::size_t>(id) + 1]; ++k) {
      const auto next = static_cast<std::size_t>(succ[static_cast<std::size_t>(k)]);
      ready_s[next] = std::max(ready_s[next], end);
      if (--pending[next] == 0) worklist.push_back(static_cast<std::int32_t>(next));
    }
  };
  while (!worklist.empty()) {
    const std::int32_t id = worklist.back();
    worklist.pop_back();
    const auto& op = ops[static_cast<std::size_t>(id)];
    if (op.collective < 0) {
      s.start_s[static_cast<std::size_t>(id)] = ready_s[static_cast<std::size_t>(id)];
      s.end_s[static_cast<std::size_t>(id)] = ready_s[static_cast<std::size_t>(id)] + op.duration_s;
      finish(id);
      continue;
    }
    const auto c = static_cast<std::size_t>(op.collective);
    coll_ready_s[c] = std::max(coll_ready_s[c], ready_s[static_cast<std::size_t>(id)]);
    if (++arrived[c] < static_cast<std::int32_t>(collectives[c].ops.size())) continue;
    const double start = coll_ready_s[c];
    const double end = start + collectives[c].duration_s;
    for (auto p : collectives[c].ops) {
      s.start_s[static_cast<std::size_t>(p)] = start;
      s.end_s[static_cast<std::size_t>(p)] = end;
    }
    for (auto p : collectives[c].ops) finish(p);
  }
  if (finished != n)
    throw std::logic_error("schedule_step: the step graph has a cycle or a collective deadlock");
  s.makespan_s = n ? *std::max_element(s.end_s.begin(), s.end_s.end()) : 0.0;
  return s;
}

}  // namespace moesim::sim
