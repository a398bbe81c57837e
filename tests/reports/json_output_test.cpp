// Tests of the JSON edge of the commands: schema_version, `--json -`, the resolved scenario as JSON.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "reports/json_output.h"
#include "reports/yaml_json.h"
#include "workloads/config_error.h"
#include "workloads/scenario_overrides.h"

namespace moesim::reports {
namespace {

TEST(JsonOutput, AddsTheSchemaVersionToObjectsOnly) {
  const auto doc = with_schema_version({{"kind", "x"}});
  EXPECT_EQ(doc.at("schema_version"), 2);
  EXPECT_EQ(doc.at("kind"), "x");
  EXPECT_EQ(with_schema_version(nlohmann::json::array({1, 2})), nlohmann::json::array({1, 2}));
}

TEST(JsonOutput, DashWritesToStdoutAndNoFile) {
  const auto dir = std::filesystem::temp_directory_path() / "moesim-json-output-test";
  std::filesystem::create_directories(dir);
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir);
  std::filesystem::remove("-");
  std::ostringstream captured;
  auto* old = std::cout.rdbuf(captured.rdbuf());
  write_json_output("-", {{"step_time_s", 1.5}}, "--json");
  std::cout.rdbuf(old);
  EXPECT_FALSE(std::filesystem::exists("-"));
  std::filesystem::current_path(cwd);
  const auto parsed = nlohmann::json::parse(captured.str());
  EXPECT_EQ(parsed.at("step_time_s"), 1.5);
  EXPECT_EQ(parsed.at("schema_version"), kJsonSchemaVersion);
  EXPECT_EQ(&text_output("-"), &std::cerr);
  EXPECT_EQ(&text_output("out.json"), &std::cout);
}

TEST(JsonOutput, WritesAFileAndNamesTheOptionWhenItCannot) {
  const auto path = std::filesystem::temp_directory_path() / "moesim-json-output-test.json";
  write_json_output(path.string(), {{"a", 1}}, "--json");
  std::ifstream in(path);
  EXPECT_EQ(nlohmann::json::parse(in).at("schema_version"), 2);
  try {
    write_json_output("/nonexistent-dir/x.json", {{"a", 1}}, "--json");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "--json");
  }
}

TEST(YamlJson, TypesPlainScalarsAndKeepsQuotedOnesAndQuantities) {
  const YAML::Node root = YAML::Load(
      "name: r\nmodel: {preset: switch-base, experts: 32, capacity_factor: 1.25}\n"
      "cluster: {devices: '16', fabric: {dims: [4, 4, 8]}, nic: 400 GB/s}\n"
      "training: {recompute: true, total_tokens: 600B, note: ~, big: 1e999}\n");
  const auto j = yaml_to_json(root);
  EXPECT_EQ(j.at("model").at("experts"), 32);
  EXPECT_TRUE(j.at("model").at("experts").is_number_integer());
  EXPECT_DOUBLE_EQ(j.at("model").at("capacity_factor").get<double>(), 1.25);
  EXPECT_EQ(j.at("cluster").at("devices"), "16");  // quoted in the YAML
  EXPECT_EQ(j.at("cluster").at("fabric").at("dims"), nlohmann::json::array({4, 4, 8}));
  EXPECT_EQ(j.at("cluster").at("nic"), "400 GB/s");
  EXPECT_EQ(j.at("training").at("recompute"), true);
  EXPECT_EQ(j.at("training").at("total_tokens"), "600B");
  EXPECT_TRUE(j.at("training").at("note").is_null());
  EXPECT_EQ(j.at("training").at("big"), "1e999");  // not finite: kept as written
}

TEST(YamlJson, ShowsTheOverriddenValues) {
  const YAML::Node root = YAML::Load("model: {experts: 16}\n");
  const auto j =
      yaml_to_json(workloads::apply_overrides(root, {"model.experts=64", "cluster.devices=8"}, "s"));
  EXPECT_EQ(j.at("model").at("experts"), 64);
  EXPECT_EQ(j.at("cluster").at("devices"), 8);
}

}  // namespace
}  // namespace moesim::reports
