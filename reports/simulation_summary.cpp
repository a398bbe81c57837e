// Human-readable summary of a simulate_scenario() result (`moesim simulate` stdout).
#include <iomanip>
#include <ostream>

#include "reports/report_units.h"
#include "reports/scenario_run.h"

namespace moesim::reports {
namespace {

/// `v` with its unit (report_units.h), "n/a" for null.
std::string val(const nlohmann::json& v, Measure m) {
  return v.is_number() ? format_value(m, v.get<double>()) : "n/a";
}

/// A plain number with `unit` after it, "n/a" for null.
std::string plain(const nlohmann::json& v, const std::string& unit) {
  return v.is_number() ? format_number(v.get<double>()) + unit : "n/a";
}

}  // namespace

void print_simulation(std::ostream& out, const nlohmann::json& r) {
  auto row = [&](const std::string& name, const std::string& value) {
    out << "  " << std::left << std::setw(40) << name << value << "\n";
  };
  out << "moesim " << r.value("moesim_version", "?") << " — " << r.value("scenario", "?") << ": "
      << r["model"].get<std::string>() << " on " << r["devices"].get<int>() << " x "
      << r["accelerator"].get<std::string>() << " (" << r["cluster"].get<std::string>() << "), backend "
      << r["backend"].get<std::string>() << ", compute " << r["compute_source"].get<std::string>() << "\n";
  out << "model\n";
  row("parameters total", val(r["params_total"], Measure::kParams));
  row("parameters activated per token", val(r["params_activated"], Measure::kParams));
  row("forward FLOPs per token", val(r["flops_per_token_fwd"], Measure::kFlops));
  row("training FLOPs per token", val(r["flops_per_token_train"], Measure::kFlops));
  out << "step\n";
  row("step time", val(r["step_time_s"], Measure::kSeconds));
  row("tokens per second", val(r["tokens_per_s"], Measure::kTokensPerS));
  row("model FLOPs utilisation (MFU)", val(r["mfu"], Measure::kFraction));
  for (const auto& [k, v] : r["breakdown_s"].items())
    row("  " + k.substr(0, k.size() - 2) + " (mean per device)", val(v, Measure::kSeconds));
  row("all-to-all bytes per step", val(r["a2a_bytes_per_step"], Measure::kBytes));
  for (const auto& [tier, bytes] : r["a2a_bytes_per_tier"].items())
    row("  link bytes on tier " + tier, val(bytes, Measure::kBytes));
  if (!r["busiest_link"].is_null()) {
    row("busiest link (all-to-all)", r["busiest_link"]["name"].get<std::string>() + " (" +
                                         r["busiest_link"]["tier"].get<std::string>() + "), " +
                                         val(r["busiest_link"]["utilisation"], Measure::kFraction) + " busy");
  }
  row("tokens dropped (capacity)", val(r["routing"]["dropped_fraction"], Measure::kFraction));
  row("expert load imbalance (max/mean)", plain(r["routing"]["imbalance"], "×"));
  out << "energy and run\n";
  if (r.contains("energy_not_modelled"))
    row("energy", "not modelled: " + r["energy_not_modelled"].get<std::string>());
  row("energy per step", val(r["energy_j_per_step"], Measure::kJoules));
  row("mean power per accelerator (with PUE)", plain(r["mean_power_per_device_w"], " W"));
  row("time to train", val(r["time_to_train_s"], Measure::kDuration));
  row("accelerator-hours", val(r["accelerator_hours_run"], Measure::kHours));
  row("energy of the run", val(r["energy_mwh_run"], Measure::kMWh));
  row("emissions of the run", val(r["tco2e_run"], Measure::kTco2e));
  row("cost of the run", val(r["cost_usd_run"], Measure::kUsd));
  row("simulator wall time", val(r["simulator_wall_s"], Measure::kSeconds));
}

}  // namespace moesim::reports
