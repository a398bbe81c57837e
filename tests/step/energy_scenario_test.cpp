// Energy of whole scenarios: every watt of the facility counted, the analytic and SimGrid integrations of
// the same power model agreeing, and the measured-system-power path untouched. SimGrid runs fork their own
// engine (run_step_dag).
#include <gtest/gtest.h>

#include <algorithm>

#include "reports/scenario_run.h"
#include "workloads/scenario_overrides.h"

namespace moesim::sim {
namespace {

// GLaM-1.7B/64E (Du et al. 2022 Table 4) with 2 sequences of 1,024 tokens per GPU, one expert per GPU.
std::string glam(int devices, const std::string& energy = "{pue: 1.2, grid_kgco2e_per_kwh: 0.4}") {
  const auto d = std::to_string(devices);
  return "model: {preset: glam-1.7b-64e}\ncluster: {preset: dgx-h100-superpod, devices: " + d +
         "}\nparallelism: {data: " + d + ", expert: " + std::to_string(std::min(64, devices)) +
         "}\ntraining: {global_batch_sequences: " + std::to_string(2 * devices) +
         ", sequence_length: 1024, total_tokens: 10B, precision: bf16, optimizer: adam}\nenergy: " + energy +
         "\n";
}

nlohmann::json simulate(const std::string& yaml, const std::string& backend = "",
                        const std::vector<std::string>& overrides = {}) {
  SimulateOptions o;
  if (!backend.empty()) o.backend = backend;
  return reports::simulate_scenario(workloads::apply_overrides(YAML::Load(yaml), overrides, "test.yaml"),
                                    "test.yaml", o);
}

double part(const nlohmann::json& r, const char* key) {
  return r["energy_breakdown_j_per_step"][key].get<double>();
}

TEST(EnergyScenario, GlamOn256H100CountsEveryWattOfTheFacility) {
  const auto r = simulate(glam(256));
  EXPECT_EQ(r["power_model"], "activity states");
  const double w = r["mean_power_per_device_w"].get<double>();
  // A DGX H100 is rated 10.2 kW for 8 GPUs (1.28 kW each at full load); with network and PUE 1.2 the mean
  // per GPU must land between 0.7 and 1.6 kW, and nothing may be left at 0 W.
  EXPECT_GT(w, 700);
  EXPECT_LT(w, 1600);
  for (const auto& [k, v] : r["energy_breakdown_j_per_step"].items()) EXPECT_GT(v.get<double>(), 0) << k;
  EXPECT_NEAR(part(r, "accelerators_j"),
              part(r, "accelerators_compute_j") + part(r, "accelerators_memory_j") +
                  part(r, "accelerators_comm_j") + part(r, "accelerators_idle_j"),
              1e-6);
  EXPECT_NEAR(part(r, "network_j"), part(r, "nics_j") + part(r, "switches_j"), 1e-6);
  EXPECT_NEAR(part(r, "it_j"), part(r, "accelerators_j") + part(r, "hosts_j") + part(r, "network_j"), 1e-6);
  EXPECT_NEAR(part(r, "facility_overhead_j"), 0.2 * part(r, "it_j"), 1e-6);
  EXPECT_NEAR(r["energy_j_per_step"].get<double>(), 1.2 * part(r, "it_j"), 1e-6);
  EXPECT_NEAR(r["tco2e_run"].get<double>(), r["energy_mwh_run"].get<double>() * 0.4, 1e-9);
}

TEST(EnergyScenario, SimGridPluginsAgreeWithTheAnalyticEnergyOn64Gpus) {
  const auto a = simulate(glam(64), "analytic");
  const auto p = simulate(glam(64), "ptask");
  EXPECT_EQ(a["energy_engine"], "analytic");
  EXPECT_EQ(p["energy_engine"], "simgrid energy plugins");
  // The plugins integrate the same power model on SimGrid's schedule as the activity model does.
  const double plugins = p["energy_j_per_step"].get<double>();
  const double model_on_simgrid = p["energy_activity_model_j_per_step"].get<double>();
  EXPECT_NEAR(plugins / model_on_simgrid, 1.0, 1e-6);
  // The analytic engine and SimGrid, each with its own schedule of the step.
  EXPECT_NEAR(plugins / a["energy_j_per_step"].get<double>(), 1.0, 0.05);
  for (const char* k : {"accelerators_j", "network_j", "hosts_j"})
    EXPECT_NEAR(part(p, k) / part(a, k), 1.0, 0.05) << k;
}

TEST(EnergyScenario, MeasuredSystemPowerStaysOnPattersonsFormula) {
  const auto r = simulate(
      glam(64, "{pue: 1.1, grid_kgco2e_per_kwh: 0.4, system_power_w_per_accelerator: 900 W}"), "ptask");
  EXPECT_EQ(r["power_model"], "measured system power per accelerator");
  EXPECT_EQ(r["energy_engine"], "analytic");
  EXPECT_NEAR(r["mean_power_per_device_w"].get<double>(), 900 * 1.1, 1e-6);
  EXPECT_EQ(part(r, "hosts_j"), 0);
  EXPECT_EQ(part(r, "network_j"), 0);
}

TEST(EnergyScenario, OverridesMoveTheirOwnEntryOnly) {
  const auto base = simulate(glam(16));
  const auto r = simulate(glam(16), "", {"energy.host_power_w_per_node=1000 W", "energy.switch_power_w=0 W"});
  EXPECT_NEAR(part(r, "hosts_j"), 2 * 1000 * r["step_time_s"].get<double>(), 1e-6);
  EXPECT_LT(part(r, "switches_j"), part(base, "switches_j"));
  EXPECT_DOUBLE_EQ(part(r, "accelerators_j"), part(base, "accelerators_j"));
  EXPECT_DOUBLE_EQ(part(r, "nics_j"), part(base, "nics_j"));
}

TEST(EnergyScenario, EmbodiedCarbonAndNamedGrid) {
  const auto r =
      simulate(glam(16, "{pue: 1.2, grid_region: france, embodied_kgco2e_per_accelerator_hour: 0.0103}"));
  EXPECT_NEAR(r["tco2e_run"].get<double>(), r["energy_mwh_run"].get<double>() * 0.057, 1e-9);
  EXPECT_NEAR(r["embodied_tco2e_run"].get<double>(), r["accelerator_hours_run"].get<double>() * 0.0103 / 1e3,
              1e-12);
}

TEST(EnergyScenario, TpuPodHasHostsButNoNicsOrSwitches) {
  const std::string tpu =
      "model: {preset: glam-1.7b-64e}\ncluster: {preset: tpuv4-pod, devices: 64}\n"
      "parallelism: {data: 64, expert: 64}\n"
      "training: {global_batch_sequences: 128, sequence_length: 1024, precision: bf16, optimizer: "
      "adafactor}\n"
      "energy: {pue: 1.11, grid_kgco2e_per_kwh: 0.088}\n";
  const auto r = simulate(tpu);
  EXPECT_EQ(part(r, "network_j"), 0);
  EXPECT_NEAR(part(r, "hosts_j"), 16 * 4 * (326 - 170) * r["step_time_s"].get<double>(), 1e-6);
  // The chips average between their measured minimum and maximum (90 and 192 W, Cloud TPU v4 docs).
  const double chip_w = part(r, "accelerators_j") / (64 * r["step_time_s"].get<double>());
  EXPECT_GT(chip_w, 90);
  EXPECT_LT(chip_w, 192);
}

}  // namespace
}  // namespace moesim::sim
