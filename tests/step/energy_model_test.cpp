#include "sim/step/energy_model.h"

#include <gtest/gtest.h>

namespace moesim::sim {
namespace {

ActivitySeconds activity(double compute, double a2a, double idle) {
  ActivitySeconds a{};
  a[static_cast<std::size_t>(Activity::kComputeBound)] = compute;
  a[static_cast<std::size_t>(Activity::kAllToAll)] = a2a;
  a[static_cast<std::size_t>(Activity::kIdle)] = idle;
  return a;
}

TEST(EnergyModel, StateModelSumsDeviceHostAndNetworkTimesPue) {
  PowerModel p;
  p.compute_w = 700;
  p.comm_w = 400;
  p.idle_w = 100;
  p.host_w_per_node = 2000;
  p.nodes = 2;
  p.nics_w = 100;
  p.node_switches_w = 150;
  p.fabric_switches_w = 250;
  p.pue = 1.1;
  const auto e = step_energy(p, activity(1.0, 0.5, 0.5), 16, 2.0);
  EXPECT_DOUBLE_EQ(e.accelerators_j, 16 * (700 + 200 + 50));
  EXPECT_DOUBLE_EQ(e.accelerators_compute_j, 16 * 700);
  EXPECT_DOUBLE_EQ(e.accelerators_comm_j, 16 * 200);
  EXPECT_DOUBLE_EQ(e.accelerators_idle_j, 16 * 50);
  EXPECT_DOUBLE_EQ(e.hosts_j, 2 * 2000 * 2.0);
  EXPECT_DOUBLE_EQ(e.nics_j, 200);
  EXPECT_DOUBLE_EQ(e.switches_j, 800);
  EXPECT_DOUBLE_EQ(e.network_j, 1000);
  EXPECT_NEAR(e.facility_overhead_j, 0.1 * (15200 + 8000 + 1000), 1e-9);
  EXPECT_DOUBLE_EQ(e.facility_j, 1.1 * (15200 + 8000 + 1000));
}

TEST(EnergyModel, EnergyIsAtLeastIdlePowerTimesTime) {
  PowerModel p;
  p.compute_w = 700;
  p.memory_w = 500;
  p.comm_w = 400;
  p.idle_w = 90;
  const auto e = step_energy(p, activity(0.2, 0.3, 0.5), 8, 1.0);
  EXPECT_GE(e.facility_j, 8 * 90 * 1.0);
}

TEST(EnergyModel, MeasuredSystemPowerFollowsPattersonFormula) {
  // GLaM: 1,024 TPUv4 x 326 W x PUE 1.11 (Du et al. 2022): one hour is 370.5 kWh.
  PowerModel p;
  p.measured_system_w_per_device = 326;
  p.pue = 1.11;
  const auto e = step_energy(p, activity(3600, 0, 0), 1024, 3600);
  EXPECT_NEAR(e.facility_j / 3.6e6, 1024 * 0.326 * 1.11, 1e-9);
  EXPECT_NEAR(e.mean_power_per_device_w, 326 * 1.11, 1e-9);
}

}  // namespace
}  // namespace moesim::sim
