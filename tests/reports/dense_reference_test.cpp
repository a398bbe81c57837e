// Tests of the dense reference layout rule and scenario (no simulation).
#include "reports/dense_reference.h"

#include <gtest/gtest.h>

#include "workloads/config_error.h"
#include "workloads/yaml_reader.h"

namespace moesim::reports {
namespace {

const std::string kGlam = std::string(MOESIM_SOURCE_DIR) + "/examples/glam-64b64e-tpuv4.yaml";
const std::string kGpt3H100 = std::string(MOESIM_SOURCE_DIR) + "/examples/gpt3-175b-h100.yaml";

TEST(DenseReference, TorusUsesChipsPerHostAndPowerOfTwoPipelines) {
  const auto c = dense_layout_candidates(load_yaml_file(kGlam), kGlam, "gpt3-175b", {});
  ASSERT_EQ(c.size(), 6u);  // 96 layers: pipeline 1, 2, 4, 8, 16, 32
  for (std::size_t i = 0; i < c.size(); ++i) {
    EXPECT_EQ(c[i].tensor, 4);  // 4 TPU v4 chips per host; divides the 96 heads
    EXPECT_EQ(c[i].pipeline, 1 << i);
    EXPECT_EQ(c[i].data * c[i].tensor * c[i].pipeline, 1024);
    const int per_replica = 1024 / c[i].data;  // sequences per data replica
    EXPECT_EQ(per_replica % c[i].micro_batches, 0);
    if (c[i].pipeline > 1) {
      EXPECT_GE(c[i].micro_batches, 4 * c[i].pipeline);
    }
  }
  EXPECT_EQ(c[0].micro_batches, 1);
  EXPECT_EQ(c[3].micro_batches, 32);  // pipeline 8, data 32: 32 sequences per replica, >= 32
  EXPECT_NE(c[3].rule.find("Chosen: data 32, tensor 4, pipeline 8, micro-batches 32"), std::string::npos)
      << c[3].rule;
}

TEST(DenseReference, SwitchedClusterUsesGpusPerServer) {
  const auto c =
      dense_layout_candidates(load_yaml_file(kGpt3H100), kGpt3H100, "gpt3-175b", {std::nullopt, 8});
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].tensor, 8);  // 8 H100 per DGX
  EXPECT_EQ(c[0].pipeline, 8);
  EXPECT_EQ(c[0].data, 16);
  EXPECT_NE(c[0].rule.find("overridden by --against-pipeline"), std::string::npos);
}

TEST(DenseReference, BadRequestsAreConfigErrors) {
  const YAML::Node root = load_yaml_file(kGlam);
  const auto key_of = [&](const std::string& against, DenseLayoutRequest r) {
    try {
      dense_layout_candidates(root, kGlam, against, r);
    } catch (const ConfigError& e) {
      return e.key();
    }
    return std::string("no error");
  };
  EXPECT_EQ(key_of("gpt-5", {}), "--against");
  EXPECT_EQ(key_of("glam-64b-64e", {}), "--against");  // not dense
  EXPECT_EQ(key_of("gpt3-175b", {7, std::nullopt}), "--against-tensor");
  EXPECT_EQ(key_of("gpt3-175b", {std::nullopt, 5}), "--against-pipeline");
  EXPECT_EQ(key_of("gpt3-175b", {0, std::nullopt}), "--against-tensor");
}

TEST(DenseReference, ScenarioKeepsClusterAndBudget) {
  YAML::Node root = load_yaml_file(kGlam);
  const DenseLayout l{32, 4, 8, 32, ""};
  const YAML::Node d = dense_scenario(root, "gpt3-175b", l);
  EXPECT_EQ(d["model"]["preset"].as<std::string>(), "gpt3-175b");
  EXPECT_EQ(d["model"].size(), 1u);
  EXPECT_EQ(d["parallelism"]["pipeline"].as<int>(), 8);
  EXPECT_EQ(d["parallelism"]["micro_batches"].as<int>(), 32);
  EXPECT_EQ(d["parallelism"]["expert"].as<int>(), 1);
  EXPECT_FALSE(d["simulation"]["routing"]);
  EXPECT_EQ(d["training"]["total_tokens"].as<std::string>(), "600B");
  EXPECT_EQ(d["cluster"]["devices"].as<int>(), 1024);
  EXPECT_EQ(d["energy"]["pue"].as<double>(), 1.11);
  EXPECT_TRUE(root["simulation"]["routing"]);  // the input is not modified
  EXPECT_EQ(root["model"]["preset"].as<std::string>(), "glam-64b-64e");
}

}  // namespace
}  // namespace moesim::reports
