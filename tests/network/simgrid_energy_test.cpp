// SimGrid's host and link energy plugins on a step DAG: the joules they integrate against a hand-computed
// timeline. Each run is a SimGrid engine in a forked child (run_step_dag forks).
#include <gtest/gtest.h>

#include <numeric>

#include "sim/network/step_dag.h"
#include "test_fabrics.h"

namespace moesim::network {
namespace {

const testing::TwoTierFabric kFabric(2, 2, 100e9, 1e-9, 10e9, 1e-9);

/// A collective whose only cost is a 0.5 s fixed overhead on a timer host (its phase moves no bytes).
DagCollective half_second() {
  Schedule s;
  s.phases.resize(1);
  s.phases[0].overhead_s = 0.5;
  return {{s}};
}

// Device 0: 1.0 s compute-bound, then the collective [1.0, 1.5], then idle until 1.8.
// Device 1: 0.4 s memory-bound, idle [0.4, 1.0], the collective, then 0.3 s compute-bound [1.5, 1.8].
StepDag two_devices() {
  StepDag dag;
  dag.compute_devices = 2;
  dag.collectives = {half_second()};
  dag.tasks.push_back({0, 1.0, -1, {}, ChipState::kComputeBound, {}});
  dag.tasks.push_back({1, 0.4, -1, {}, ChipState::kMemoryBound, {}});
  dag.tasks.push_back({0, 0.0, 0, {0, 1}, ChipState::kComputeBound, {0, 1}});
  dag.tasks.push_back({1, 0.3, -1, {2}, ChipState::kComputeBound, {}});
  return dag;
}

DagPower watts() {
  DagPower p{700, 400, 300, 100, {}};
  p.link_w.assign(kFabric.link_count(), 0.0);
  p.link_w[0] = 10;
  p.link_w[3] = 2.5;
  return p;
}

TEST(SimGridEnergy, HostPluginChargesEachChipStateForItsTime) {
  for (auto kind : {BackendKind::kPtask, BackendKind::kFlow}) {
    const auto power = watts();
    const auto t = run_step_dag(two_devices(), kFabric, kind, {}, &power);
    ASSERT_NEAR(t.end_s[3], 1.8, 1e-6);
    ASSERT_TRUE(t.energy.has_value());
    const auto& j = t.energy->chip_state_j;
    EXPECT_NEAR(j[0], 700 * (1.0 + 0.3), 1e-6) << "compute-bound, kind " << static_cast<int>(kind);
    EXPECT_NEAR(j[1], 400 * 0.4, 1e-6) << "memory-bound";
    EXPECT_NEAR(j[2], 300 * 0.5 * 2, 1e-6) << "communication: both devices during the collective";
    EXPECT_NEAR(j[3], 100 * (0.6 + 0.3), 1e-6) << "idle: device 1 before, device 0 after the collective";
  }
}

TEST(SimGridEnergy, LinkPluginChargesStaticPowerOverTheStep) {
  const auto power = watts();
  const auto t = run_step_dag(two_devices(), kFabric, BackendKind::kPtask, {}, &power);
  ASSERT_TRUE(t.energy.has_value());
  EXPECT_NEAR(t.energy->links_j, (10 + 2.5) * 1.8, 1e-6);
}

TEST(SimGridEnergy, NoPowerNoEnergy) {
  const auto t = run_step_dag(two_devices(), kFabric, BackendKind::kPtask);
  EXPECT_FALSE(t.energy.has_value());
  EXPECT_NEAR(t.end_s[3], 1.8, 1e-6);
}

TEST(SimGridEnergy, EnergyDoesNotChangeTheSchedule) {
  const auto power = watts();
  const auto with = run_step_dag(two_devices(), kFabric, BackendKind::kPtask, {}, &power);
  const auto without = run_step_dag(two_devices(), kFabric, BackendKind::kPtask);
  for (std::size_t i = 0; i < with.end_s.size(); ++i) {
    EXPECT_DOUBLE_EQ(with.start_s[i], without.start_s[i]);
    EXPECT_DOUBLE_EQ(with.end_s[i], without.end_s[i]);
  }
}

}  // namespace
}  // namespace moesim::network
