#include "reports/trace_writer.h"

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace moesim::reports {
namespace {

nlohmann::json args_of(const sim::TimelineOp& op) {
  nlohmann::json a = {{"micro_batch", op.micro_batch}, {"flops", op.flops}};
  if (op.bytes > 0) a["bytes"] = op.bytes;
  if (!op.algorithm.empty()) a["algorithm"] = op.algorithm;
  return a;
}

}  // namespace

void write_chrome_trace(std::ostream& out, const std::vector<sim::TimelineOp>& timeline,
                        double devices_per_simulated) {
  nlohmann::json events = nlohmann::json::array();
  std::map<int, int> devices;  // simulated device -> the real device it stands for
  for (const auto& op : timeline) devices.emplace(op.device, op.real_device);
  char copies[64];
  std::snprintf(copies, sizeof copies, "%.0f", devices_per_simulated);
  for (const auto& [d, real] : devices) {
    events.push_back(
        {{"name", "process_name"},
         {"ph", "M"},
         {"pid", d},
         {"args", {{"name", "device " + std::to_string(real) + " (stands for " + copies + " devices)"}}}});
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
                      {"args", args_of(op)}});
  }
  out << nlohmann::json{{"traceEvents", events}, {"displayTimeUnit", "ms"}}.dump() << "\n";
}

}  // namespace moesim::reports
