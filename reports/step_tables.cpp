// moesim — the step report's tables from the simulate JSON.
#include "reports/step_tables.h"

#include <tuple>

#include "reports/comparison.h"
#include "reports/report_units.h"

namespace moesim::reports {
namespace {

ReportCell label(const std::string& text) {
  return {text, std::nullopt, ""};
}

ReportCell value_cell(const nlohmann::json& result, const std::string& key, Measure m) {
  const auto v = number_at(result, key);
  return {v ? format_value(m, *v) : "n/a", v, key};
}

/// `part` / `whole` as a percentage cell; "n/a" when either is missing or the whole is 0.
ReportCell share_cell(std::optional<double> part, std::optional<double> whole) {
  if (!part || !whole || *whole == 0) return {"n/a", std::nullopt, "", true};
  const double s = *part / *whole;
  return {format_value(Measure::kFraction, s), s, ""};
}

ReportTable summary(const nlohmann::json& r) {
  ReportTable t{"summary", "Summary", {"Figure", "Value"}, {}, ""};
  const std::vector<std::tuple<std::string, std::string, Measure>> rows = {
      {"step_time_s", "Step time", Measure::kSeconds},
      {"tokens_per_step", "Tokens per step", Measure::kTokens},
      {"tokens_per_s", "Throughput", Measure::kTokensPerS},
      {"mfu", "Model FLOPs utilisation", Measure::kFraction},
      {"a2a_bytes_per_step", "All-to-all bytes per step (device to device)", Measure::kBytes},
      {"energy_j_per_step", "Energy per step (facility)", Measure::kJoules},
      {"time_to_train_s", "Time to train", Measure::kDuration}};
  for (const auto& [key, text, m] : rows) t.rows.push_back({label(text), value_cell(r, key, m)});
  t.rows.push_back(
      {label("Devices (simulated)"),
       {string_at(r, "devices") + " (" + string_at(r, "simulated_devices") + ")", std::nullopt, "", true}});
  return t;
}

ReportTable breakdown(const nlohmann::json& r) {
  ReportTable t{"breakdown",
                "Where the step goes (mean over devices)",
                {"Activity", "Time", "Share of step"},
                {},
                "Exposed communication is communication that no compute overlaps; the rows sum to the step."};
  const auto step = number_at(r, "step_time_s");
  for (const auto& [key, text] : breakdown_components()) {
    const std::string k = "breakdown_s." + key;
    t.rows.push_back({label(text), value_cell(r, k, Measure::kSeconds), share_cell(number_at(r, k), step)});
  }
  return t;
}

ReportTable exposed(const nlohmann::json& r) {
  ReportTable t{"exposed",
                "Exposed communication per communicator",
                {"Communicator", "Exposed time", "Share of step"},
                {},
                ""};
  const auto step = number_at(r, "step_time_s");
  const std::vector<std::pair<std::string, std::string>> comms = {
      {"ep", "EP (all-to-all)"},
      {"tp", "TP"},
      {"dp", "DP (dense gradients)"},
      {"expert_dp", "expert DP"},
      {"weight_gather", "weight all-gather (FSDP)"},
      {"pp", "PP (pipeline p2p)"}};
  for (const auto& [key, text] : comms) {
    const std::string k = "exposed_comm_by_communicator_s." + key;
    t.rows.push_back({label(text), value_cell(r, k, Measure::kSeconds), share_cell(number_at(r, k), step)});
  }
  return t;
}

ReportTable idle(const nlohmann::json& r) {
  ReportTable t{"idle", "Idle time by cause", {"Cause", "Time", "Share of step", "Share of idle"}, {}, ""};
  const auto step = number_at(r, "step_time_s"), total = number_at(r, "breakdown_s.idle_s");
  const std::vector<std::pair<std::string, std::string>> causes = {
      {"collective_wait_s", "waiting at collectives for slower members"},
      {"pipeline_bubble_s", "pipeline bubble and p2p waits"}};
  for (const auto& [key, text] : causes) {
    const std::string k = "idle_by_cause_s." + key;
    const auto v = number_at(r, k);
    t.rows.push_back(
        {label(text), value_cell(r, k, Measure::kSeconds), share_cell(v, step), share_cell(v, total)});
  }
  return t;
}

ReportTable tiers(const nlohmann::json& r) {
  ReportTable t{"tiers",
                "All-to-all traffic per link tier",
                {"Link tier", "Bytes per step (link crossings)", "Share"},
                {},
                ""};
  std::optional<double> total;
  const auto tier_names = a2a_tiers(r, nlohmann::json::object());
  for (const auto& tier : tier_names) total = total.value_or(0) + tier_bytes(r, tier).value_or(0);
  for (const auto& tier : tier_names) {
    const auto v = tier_bytes(r, tier);
    t.rows.push_back({label(tier),
                      {v ? format_value(Measure::kBytes, *v) : "n/a", v, "a2a_bytes_per_tier." + tier},
                      share_cell(v, total)});
  }
  if (tier_names.empty()) t.note = "No all-to-all traffic in this step. ";
  if (r.contains("busiest_link") && r["busiest_link"].is_object()) {
    const auto u = number_at(r, "busiest_link.utilisation");
    t.note += "Busiest link of the all-to-alls: " + string_at(r["busiest_link"], "name") + " (tier " +
              string_at(r["busiest_link"], "tier") + "), " +
              (u ? format_value(Measure::kFraction, *u) : std::string("n/a")) + " utilised. ";
  }
  return t;
}

ReportTable link_loads(const std::vector<TierLoadSeries>& loads) {
  ReportTable t{"links",
                "Load of the traced devices' own links",
                {"Device", "Link tier", "Utilisation, mean over the step"},
                {},
                ""};
  for (const auto& s : loads) {
    t.rows.push_back({label("device " + std::to_string(s.rank)),
                      label(s.tier),
                      {format_value(Measure::kFraction, s.mean_utilisation), s.mean_utilisation, ""}});
  }
  if (loads.empty())
    t.note = "No traced device's collectives use a link of its own (NVLink, PCIe, NIC, ICI). ";
  t.note +=
      "Busy time of the busiest link of each tier whose links belong to the device, as the step engine "
      "charges the device's collectives, over the step time (--trace shows it over the step). The "
      "utilisation of a tier across the "
      "cluster over time is not shown: the simulation result keeps the bytes each tier carries over the "
      "whole step and the busiest link, not each tier's load over time.";
  return t;
}

ReportTable memory(const nlohmann::json& r) {
  ReportTable t{
      "memory", "Memory per device (most loaded pipeline stage)", {"Item", "Bytes", "Share of HBM"}, {}, ""};
  const auto hbm = number_at(r, "hbm_bytes");
  for (const auto& [key, text] : memory_components()) {
    const std::string k = "memory_bytes_per_device." + key;
    t.rows.push_back({label(text), value_cell(r, k, Measure::kBytes), share_cell(number_at(r, k), hbm)});
  }
  const std::string k = "memory_bytes_per_device.total";
  t.rows.push_back({label("total"), value_cell(r, k, Measure::kBytes), share_cell(number_at(r, k), hbm)});
  t.rows.push_back(
      {label("HBM of one accelerator"), value_cell(r, "hbm_bytes", Measure::kBytes), share_cell(hbm, hbm)});
  return t;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& memory_components() {
  static const std::vector<std::pair<std::string, std::string>> kParts{{"weights", "weights"},
                                                                       {"gradients", "gradients"},
                                                                       {"optimizer_state", "optimizer state"},
                                                                       {"activations", "activations"},
                                                                       {"buffers", "buffers"}};
  return kParts;
}

std::vector<ReportTable> step_tables(const nlohmann::json& result, const std::vector<TierLoadSeries>& loads) {
  return {summary(result), breakdown(result), exposed(result), idle(result),
          tiers(result),   link_loads(loads), memory(result)};
}

}  // namespace moesim::reports
