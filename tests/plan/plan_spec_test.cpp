// The `plan:` section: defaults, every key, strict errors with file, line and key.
#include <gtest/gtest.h>

#include "plan/plan_spec.h"
#include "plan_test_support.h"
#include "workloads/config_error.h"

namespace moesim::plan {
namespace {

PlanSpec parse(const std::string& yaml) {
  const YAML::Node node = YAML::Load(yaml);
  return parse_plan_section(YamlMap(node, "s.yaml", "plan"));
}

/// The ConfigError that parsing `yaml` throws (fails the test when none is thrown).
ConfigError error_of(const std::string& yaml) {
  try {
    parse(yaml);
  } catch (const ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for: " << yaml;
  return ConfigError("", 0, "", "");
}

TEST(PlanSpec, DefaultsSearchEverythingValidWithTensorInsideANode) {
  const PlanSpec p = parse("{}");
  EXPECT_EQ(p.objective, Objective::kTime);
  EXPECT_EQ(p.top, 10);
  EXPECT_TRUE(p.devices.empty());
  for (const Axis a : kAxes) {
    EXPECT_TRUE(p.rule(a).allowed.empty());
    EXPECT_FALSE(p.rule(a).max);
  }
  EXPECT_EQ(p.recompute.size(), 3u);
  EXPECT_EQ(p.sequence_parallel, std::vector<bool>{true});
  EXPECT_EQ(p.fold_experts, (std::vector<bool>{false, true}));
  EXPECT_TRUE(p.ep_comm.empty()) << "the scenario's own simulation.overlap.ep_comm";
  EXPECT_TRUE(p.tensor_within_node);
}

TEST(PlanSpec, ReadsEveryKey) {
  const PlanSpec p = parse(R"(
objective: cost
top: 3
devices: [512, 1024]
expert: 64
tensor: [1, 2, 4]
max_pipeline: 8
max_micro_batches: 16
zero: [1, 3]
recompute: [none, full]
sequence_parallel: both
expert_tensor: 1
stage_layers: auto
tensor_within_node: false
ep_comm: both
)");
  EXPECT_EQ(p.objective, Objective::kCost);
  EXPECT_EQ(p.top, 3);
  EXPECT_EQ(p.devices, (std::vector<std::int64_t>{512, 1024}));
  EXPECT_EQ(p.rule(Axis::kExpert).allowed, std::vector<std::int64_t>{64});
  EXPECT_TRUE(p.rule(Axis::kTensor).admits(4));
  EXPECT_FALSE(p.rule(Axis::kTensor).admits(8));
  EXPECT_TRUE(p.rule(Axis::kPipeline).admits(8));
  EXPECT_FALSE(p.rule(Axis::kPipeline).admits(16));
  EXPECT_FALSE(p.rule(Axis::kZero).admits(0));
  EXPECT_EQ(p.recompute,
            (std::vector<workloads::Recompute>{workloads::Recompute::kNone, workloads::Recompute::kFull}));
  EXPECT_EQ(p.sequence_parallel, (std::vector<bool>{false, true}));
  EXPECT_EQ(p.stage_split, std::vector<StageSplit>{StageSplit::kAuto});
  EXPECT_EQ(p.fold_experts, std::vector<bool>{true});
  EXPECT_FALSE(p.tensor_within_node);
  EXPECT_EQ(p.ep_comm, (std::vector<bool>{false, true}));
  EXPECT_NE(describe(p).find("tensor in {1, 2, 4}"), std::string::npos) << describe(p);
  EXPECT_NE(describe(p).find("all-to-all overlap on and off"), std::string::npos) << describe(p);
}

TEST(PlanSpec, UnknownKeyNamesFileLineAndKey) {
  const auto e = error_of("objective: time\nmax_tensr: 8\n");
  EXPECT_EQ(e.key(), "plan.max_tensr");
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.file(), "s.yaml");
  EXPECT_NE(std::string(e.what()).find("max_tensor"), std::string::npos) << "lists the known keys";
}

TEST(PlanSpec, BadValuesAreErrors) {
  EXPECT_EQ(error_of("objective: speed").key(), "plan.objective");
  EXPECT_EQ(error_of("top: 0").key(), "plan.top");
  EXPECT_EQ(error_of("zero: 4").key(), "plan.zero");
  EXPECT_EQ(error_of("tensor: [2, -1]").key(), "plan.tensor");
  EXPECT_EQ(error_of("recompute: [none, some]").key(), "plan.recompute");
  EXPECT_EQ(error_of("sequence_parallel: maybe").key(), "plan.sequence_parallel");
  EXPECT_EQ(error_of("stage_layers: uneven").key(), "plan.stage_layers");
  EXPECT_EQ(error_of("expert_tensor: 2").key(), "plan.expert_tensor");
  EXPECT_EQ(error_of("ep_comm: sometimes").key(), "plan.ep_comm");
  EXPECT_EQ(error_of("devices: []").key(), "plan.devices");
}

TEST(PlanSpec, ScenarioWithAPlanSectionReadsAndUnknownPlanKeyFails) {
  const auto problem = test::problem_of_file(test::small_moe_path());
  EXPECT_EQ(problem.spec.top, 5);
  EXPECT_EQ(problem.spec.rule(Axis::kMicroBatches).max, 4);
  try {
    test::problem_of_file(test::small_moe_path(), {"plan.fixed_expert=8"});
    FAIL() << "an unknown plan key must be an error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "plan.fixed_expert");
  }
}

TEST(PlanSpec, CostObjectiveNeedsAPrice) {
  std::string yaml = R"(
model: {preset: glam-1.7b-64e}
cluster: {preset: dgx-h100-superpod, devices: 16}
parallelism: {data: 16, expert: 16}
training: {global_batch_sequences: 64, sequence_length: 2048, precision: bf16}
plan: {objective: cost}
)";
  try {
    test::problem_of_text(yaml);
    FAIL() << "the cost objective without a cost section must be an error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "plan.objective");
    EXPECT_EQ(e.line(), 6);
  }
}

TEST(PlanSpec, ParallelismMayBeLeftOutAndDevicesResizeTheCluster) {
  const auto problem = test::problem_of_text(R"(
model: {preset: glam-1.7b-64e}
cluster: {preset: dgx-h100-superpod, devices: 16}
training: {global_batch_sequences: 64, sequence_length: 2048, precision: bf16}
plan: {devices: [8, 32]}
)");
  EXPECT_FALSE(problem.scenario_layout);
  ASSERT_EQ(problem.clusters.size(), 2u);
  EXPECT_EQ(problem.clusters[0].cluster.device_count(), 8);
  EXPECT_EQ(problem.clusters[1].cluster.device_count(), 32);
  try {
    test::problem_of_text(R"(
model: {preset: glam-1.7b-64e}
cluster: {preset: dgx-h100-superpod, devices: 16}
training: {global_batch_sequences: 64, sequence_length: 2048, precision: bf16}
plan: {devices: 12}
)");
    FAIL() << "12 GPUs are not whole DGX nodes";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "plan.devices");
  }
}

}  // namespace
}  // namespace moesim::plan
