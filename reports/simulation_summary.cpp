// Human-readable summary of a simulate_scenario() result (`moesim simulate` stdout).
#include <iomanip>
#include <ostream>

#include "reports/scenario_run.h"

namespace moesim::reports {
namespace {

std::string num(const nlohmann::json& v, double scale, int precision, const char* unit) {
  if (v.is_null()) return "n/a";
  std::ostringstream s;
  s << std::fixed << std::setprecision(precision) << v.get<double>() * scale << " " << unit;
  return s.str();
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
  row("parameters total", num(r["params_total"], 1e-9, 2, "B"));
  row("parameters activated per token", num(r["params_activated"], 1e-9, 2, "B"));
  row("forward FLOPs per token", num(r["flops_per_token_fwd"], 1e-9, 1, "GFLOP"));
  row("training FLOPs per token", num(r["flops_per_token_train"], 1e-9, 1, "GFLOP"));
  out << "step\n";
  row("step time", num(r["step_time_s"], 1e3, 2, "ms"));
  row("tokens per second", num(r["tokens_per_s"], 1e-3, 1, "k tokens/s"));
  row("model FLOPs utilisation (MFU)", num(r["mfu"], 100, 1, "%"));
  const auto& b = r["breakdown_s"];
  for (const auto& [k, v] : b.items())
    row("  " + k.substr(0, k.size() - 2) + " (mean per device)", num(v, 1e3, 2, "ms"));
  row("all-to-all bytes per step", num(r["a2a_bytes_per_step"], 1e-9, 2, "GB"));
  for (const auto& [tier, bytes] : r["a2a_bytes_per_tier"].items())
    row("  link bytes on tier " + tier, num(bytes, 1e-9, 2, "GB"));
  if (!r["busiest_link"].is_null()) {
    row("busiest link (all-to-all)", r["busiest_link"]["name"].get<std::string>() + " (" +
                                         r["busiest_link"]["tier"].get<std::string>() + "), " +
                                         num(r["busiest_link"]["utilisation"], 100, 1, "% busy"));
  }
  row("tokens dropped (capacity)", num(r["routing"]["dropped_fraction"], 100, 2, "%"));
  row("expert load imbalance (max/mean)", num(r["routing"]["imbalance"], 1, 3, "x"));
  out << "energy and run\n";
  if (r.contains("energy_not_modelled"))
    row("energy", "not modelled: " + r["energy_not_modelled"].get<std::string>());
  row("energy per step", num(r["energy_j_per_step"], 1e-3, 2, "kJ"));
  row("mean power per accelerator (with PUE)", num(r["mean_power_per_device_w"], 1, 0, "W"));
  row("time to train", num(r["time_to_train_s"], 1.0 / 86400, 2, "days"));
  row("accelerator-hours", num(r["accelerator_hours_run"], 1e-3, 1, "k h"));
  row("energy of the run", num(r["energy_mwh_run"], 1, 1, "MWh"));
  row("emissions of the run", num(r["tco2e_run"], 1, 1, "tCO2e"));
  row("cost of the run", num(r["cost_usd_run"], 1e-6, 2, "M USD"));
  row("simulator wall time", num(r["simulator_wall_s"], 1, 2, "s"));
}

}  // namespace moesim::reports
