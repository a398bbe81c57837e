#include "reports/trace_writer.h"

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "reports/tier_load.h"

namespace moesim::reports {
namespace {

nlohmann::json args_of(const sim::TimelineOp& op) {
  nlohmann::json a = {{"micro_batch", op.micro_batch}, {"flops", op.flops}, {"simulated_device", op.device}};
  if (sim::is_communication(op.category)) {
    a["bytes"] = op.bytes;
    a["peers"] = op.peers;
    a["algorithm"] = op.algorithm.empty() ? "n/a" : op.algorithm;
  }
  return a;
}

nlohmann::json metadata(const char* name, int pid, int tid, const nlohmann::json& args) {
  nlohmann::json e = {{"name", name}, {"ph", "M"}, {"pid", pid}, {"args", args}};
  if (tid >= 0) e["tid"] = tid;
  return e;
}

/// Process and thread names (and their order) for every traced rank and every stream it used.
void name_tracks(const std::vector<sim::TimelineOp>& timeline, double devices_per_simulated,
                 nlohmann::json& events) {
  std::map<int, std::set<int>> streams;  // traced rank -> streams with ops
  for (const auto& op : timeline) streams[op.real_device].insert(static_cast<int>(op.stream));
  char copies[64];
  std::snprintf(copies, sizeof copies, "%.0f", devices_per_simulated);
  for (const auto& [rank, used] : streams) {
    events.push_back(
        metadata("process_name", rank, -1,
                 {{"name", "device " + std::to_string(rank) + " (stands for " + copies + " devices)"}}));
    events.push_back(metadata("process_sort_index", rank, -1, {{"sort_index", rank}}));
    for (const int k : used) {
      const std::string name(sim::stream_name(static_cast<sim::Stream>(k)));
      events.push_back(metadata("thread_name", rank, k, {{"name", name}}));
      events.push_back(metadata("thread_sort_index", rank, k, {{"sort_index", k}}));
    }
  }
}

/// One counter track per traced rank and device-attached link tier: its own links' utilisation.
void link_counters(const std::vector<sim::TimelineOp>& timeline, const std::vector<std::string>& link_tiers,
                   nlohmann::json& events) {
  for (const auto& series : tier_load_series(timeline, link_tiers, 0)) {
    for (const auto& p : series.points) {
      events.push_back({{"name", series.tier + " link load (collective means)"},
                        {"ph", "C"},
                        {"pid", series.rank},
                        {"ts", p.time_s * 1e6},
                        {"args", {{"busiest link", p.utilisation}}}});
    }
  }
}

}  // namespace

void write_chrome_trace(std::ostream& out, const std::vector<sim::TimelineOp>& timeline,
                        double devices_per_simulated, const std::vector<std::string>& link_tiers) {
  nlohmann::json events = nlohmann::json::array();
  name_tracks(timeline, devices_per_simulated, events);
  link_counters(timeline, link_tiers, events);
  for (const auto& op : timeline) {
    std::string name(sim::category_name(op.category));
    if (op.layer >= 0) name += " L" + std::to_string(op.layer);
    if (op.backward) name += " bwd";
    events.push_back({{"name", name},
                      {"cat", std::string(sim::category_name(op.category))},
                      {"ph", "X"},
                      {"ts", op.start_s * 1e6},
                      {"dur", (op.end_s - op.start_s) * 1e6},
                      {"pid", op.real_device},
                      {"tid", static_cast<int>(op.stream)},
                      {"args", args_of(op)}});
  }
  out << nlohmann::json{{"traceEvents", events}, {"displayTimeUnit", "ms"}}.dump() << "\n";
}

}  // namespace moesim::reports
