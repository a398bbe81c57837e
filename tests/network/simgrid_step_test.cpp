// The whole-step SimGrid engine: DAG order, and link sharing between concurrent collectives done by
// SimGrid's own solver. Each test runs SimGrid in a forked child (run_step_dag does).
#include "sim/network/step_dag.h"

#include <gtest/gtest.h>

#include "test_fabrics.h"

namespace moesim::network {
namespace {

// 2 nodes of 2 GPUs, 100 GB/s NVLink, 10 GB/s NICs, negligible latencies.
const testing::TwoTierFabric kFabric(2, 2, 100e9, 1e-9, 10e9, 1e-9);

// Devices 0 and 1 each send 1 GB to the other node: 0.1 s on their NICs alone.
DagCollective cross_node(double bytes) {
  Schedule s;
  s.phases.resize(1);
  s.phases[0].transfers = {{0, 2, bytes}, {1, 3, bytes}};
  return {{s}};
}

StepDag two_collectives(bool concurrent) {
  StepDag dag;
  dag.compute_devices = 1;
  dag.collectives = {cross_node(1e9), cross_node(1e9)};
  dag.tasks.push_back({0, 0.0, 0, {}});
  dag.tasks.push_back({0, 0.0, 1, concurrent ? std::vector<int>{} : std::vector<int>{0}});
  return dag;
}

TEST(SimGridStep, CollectivesOnTheSameLinksShareThem) {
  for (auto kind : {BackendKind::kPtask, BackendKind::kFlow}) {
    const auto alone = run_step_dag(two_collectives(false), kFabric, kind);
    EXPECT_NEAR(alone.end_s[0] - alone.start_s[0], 0.1, 0.002);
    EXPECT_NEAR(alone.end_s[1] - alone.start_s[1], 0.1, 0.002);
    const auto shared = run_step_dag(two_collectives(true), kFabric, kind);
    EXPECT_NEAR(shared.end_s[0] - shared.start_s[0], 0.2, 0.004) << "kind " << static_cast<int>(kind);
    EXPECT_NEAR(shared.end_s[1] - shared.start_s[1], 0.2, 0.004);
  }
}

TEST(SimGridStep, TasksStartWhenTheirDependenciesEnd) {
  StepDag dag;
  dag.compute_devices = 2;
  dag.collectives = {cross_node(1e9)};
  dag.tasks.push_back({0, 0.5, -1, {}});     // 0: 0.5 s of compute on device 0
  dag.tasks.push_back({1, 0.2, -1, {}});     // 1: 0.2 s on device 1, concurrently
  dag.tasks.push_back({0, 0.0, 0, {0, 1}});  // 2: the collective waits for both
  dag.tasks.push_back({1, 0.3, -1, {2}});    // 3: then 0.3 s more
  const auto t = run_step_dag(dag, kFabric, BackendKind::kPtask);
  EXPECT_NEAR(t.end_s[0], 0.5, 1e-6);
  EXPECT_NEAR(t.end_s[1], 0.2, 1e-6);
  EXPECT_NEAR(t.start_s[2], 0.5, 1e-6);
  EXPECT_NEAR(t.end_s[2], 0.6, 0.002);
  EXPECT_NEAR(t.end_s[3], t.end_s[2] + 0.3, 1e-6);
}

TEST(SimGridStep, ScheduleOfNoTransferStillPaysItsLatency) {
  // One schedule of no phase but a 1 ms launch, one whose only phase moves nothing but has 2 ms of
  // overhead, beside a 0.1 s transfer: the collective ends with the transfer; alone, the two latency-only
  // schedules take 1 ms and 2 ms.
  Schedule launch_only;
  launch_only.launch_s = 1e-3;
  Schedule empty_phase;
  empty_phase.phases.resize(1);
  empty_phase.phases[0].overhead_s = 2e-3;
  StepDag dag;
  dag.compute_devices = 1;
  dag.collectives = {DagCollective{{launch_only}}, DagCollective{{empty_phase}},
                     DagCollective{{launch_only, empty_phase, cross_node(1e9).schedules[0]}}};
  dag.tasks = {{0, 0.0, 0, {}}, {0, 0.0, 1, {}}, {0, 0.0, 2, {}}};
  const auto t = run_step_dag(dag, kFabric, BackendKind::kPtask);
  EXPECT_NEAR(t.end_s[0], 1e-3, 1e-9);
  EXPECT_NEAR(t.end_s[1], 2e-3, 1e-9);
  EXPECT_NEAR(t.end_s[2], 0.1, 0.005);
}

TEST(SimGridStep, AnalyticIsNotASimGridEngine) {
  EXPECT_THROW(run_step_dag(two_collectives(true), kFabric, BackendKind::kAnalytic), std::invalid_argument);
}

}  // namespace
}  // namespace moesim::network
