// The example scenarios under examples/ parse and pass the parallelism checks (their workload sections; the
// `cluster` sections are checked by the topologies tests and the CLI). Device counts come from the cluster
// presets they name (tpuv4-pod sliced to 1,024 chips, dgx-h100-superpod = 1,024 H100).
#include <gtest/gtest.h>

#include "workloads/accounting.h"
#include "workloads/run_spec.h"

namespace moesim::workloads {
namespace {

RunSpec load(const std::string& name, std::int64_t devices) {
  const std::string path = std::string(MOESIM_SOURCE_DIR) + "/examples/" + name;
  const YamlMap root(load_yaml_file(path), path, "");
  RunSpec run = parse_run_spec(root);
  check_parallelism(run, devices, root);
  return run;
}

TEST(ExampleScenarios, GlamOnTpuV4) {
  const RunSpec r = load("glam-64b64e-tpuv4.yaml", 1024);
  EXPECT_EQ(r.model.name, "glam-64b-64e");
  EXPECT_EQ(r.training.global_batch_tokens, 1048576);
  EXPECT_DOUBLE_EQ(*r.training.total_tokens, 600e9);
  EXPECT_DOUBLE_EQ(r.energy.pue, 1.11);
  EXPECT_DOUBLE_EQ(*r.energy.system_power_w_per_accelerator, 326);
  const auto a =
      account_model(r.model, {r.training.sequence_length, bytes_per_element(r.training.precision)});
  EXPECT_NEAR(a.params_activated / 1e9, 96.6, 0.1);
}

TEST(ExampleScenarios, SwitchBaseOnH100) {
  const RunSpec r = load("switch-base-h100.yaml", 1024);
  EXPECT_EQ(r.model.experts, 128);
  EXPECT_EQ(r.training.global_batch_tokens, 1 << 20);
  EXPECT_EQ(r.simulation.routing.distribution, RoutingDistribution::kZipf);
  EXPECT_TRUE(r.cost.present);
}

TEST(ExampleScenarios, Gpt3OnH100) {
  const RunSpec r = load("gpt3-175b-h100.yaml", 1024);
  EXPECT_EQ(r.parallelism.devices(), 1024);
  EXPECT_EQ(r.training.recompute, Recompute::kFull);
  EXPECT_FALSE(r.model.is_moe());
}

}  // namespace
}  // namespace moesim::workloads
