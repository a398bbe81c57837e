#include "reports/trace_writer.h"

#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace moesim::reports {

void write_chrome_trace(std::ostream& out, const std::vector<sim::TimelineOp>& timeline) {
  nlohmann::json events = nlohmann::json::array();
  std::set<int> devices;
  for (const auto& op : timeline) devices.insert(op.device);
  for (int d : devices) {
    events.push_back({{"name", "process_name"},
                      {"ph", "M"},
                      {"pid", d},
                      {"args", {{"name", "device " + std::to_string(d)}}}});
    for (std::size_t k = 0; k < sim::kStreamCount; ++k) {
      events.push_back({{"name", "thread_name"},
                        {"ph", "M"},
                        {"pid", d},
                        {"tid", k},
                        {"args", {{"name", std::string(sim::stream_name(static_cast<sim::Stream>(k)))}}}});
    }
  }
  for (const auto& op : timeline) {
    std::string name(sim::category_name(op.category));
    if (op.layer >= 0) name += " L" + std::to_string(op.layer);
    if (op.backward) name += " bwd";
    events.push_back({{"name", name},
                      {"cat", std::string(sim::category_name(op.category))},
                      {"ph", "X"},
                      {"ts", op.start_s * 1e6},
                      {"dur", (op.end_s - op.start_s) * 1e6},
                      {"pid", op.device},
                      {"tid", static_cast<int>(op.stream)},
                      {"args", {{"micro_batch", op.micro_batch}, {"flops", op.flops}}}});
  }
  out << nlohmann::json{{"traceEvents", events}, {"displayTimeUnit", "ms"}}.dump() << "\n";
}

}  // namespace moesim::reports
