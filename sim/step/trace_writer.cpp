#include "sim/step/trace_writer.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

namespace moesim::sim {

void write_chrome_trace(std::ostream& out, const StepGraph& graph, const Schedule& schedule,
                        const std::vector<int>& devices) {
  std::vector<bool> wanted(static_cast<std::size_t>(graph.device_count()), false);
  if (devices.empty()) {
    for (int d = 0; d < std::min(8, graph.device_count()); ++d) wanted[static_cast<std::size_t>(d)] = true;
  } else {
    for (int d : devices) {
      if (d >= 0 && d < graph.device_count()) wanted[static_cast<std::size_t>(d)] = true;
    }
  }
  nlohmann::json events = nlohmann::json::array();
  for (std::size_t d = 0; d < wanted.size(); ++d) {
    if (!wanted[d]) continue;
    events.push_back({{"name", "process_name"},
                      {"ph", "M"},
                      {"pid", d},
                      {"args", {{"name", "device " + std::to_string(d)}}}});
    events.push_back(
        {{"name", "thread_name"}, {"ph", "M"}, {"pid", d}, {"tid", 0}, {"args", {{"name", "compute"}}}});
    events.push_back(
        {{"name", "thread_name"}, {"ph", "M"}, {"pid", d}, {"tid", 1}, {"args", {{"name", "comm"}}}});
  }
  const auto& ops = graph.ops();
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const auto& op = ops[i];
    if (!wanted[static_cast<std::size_t>(op.device)]) continue;
    std::string name(category_name(op.category));
    if (op.layer >= 0) name += " L" + std::to_string(op.layer);
    if (op.backward) name += " bwd";
    events.push_back({{"name", name},
                      {"cat", std::string(category_name(op.category))},
                      {"ph", "X"},
                      {"ts", schedule.start_s[i] * 1e6},
                      {"dur", (schedule.end_s[i] - schedule.start_s[i]) * 1e6},
                      {"pid", op.device},
                      {"tid", static_cast<int>(op.stream)},
                      {"args", {{"micro_batch", op.micro_batch}, {"flops", op.flops}}}});
  }
  out << nlohmann::json{{"traceEvents", events}, {"displayTimeUnit", "ms"}}.dump() << "\n";
}

}  // namespace moesim::sim
