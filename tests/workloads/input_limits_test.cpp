// Bad input is one clear ConfigError (file, line, key), never a crash, a hang or a silent default: the
// strict loader, units with their dimension, upper bounds on every count, and --set overrides.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "workloads/run_spec.h"
#include "workloads/scenario_overrides.h"
#include "workloads/yaml_reader.h"

namespace moesim::workloads {
namespace {

#define EXPECT_HAS(msg, part) EXPECT_NE((msg).find(part), std::string::npos) << (msg)

const std::string kBase =
    "name: t\n"                                                                         // 1
    "model: {preset: switch-base}\n"                                                    // 2
    "cluster: {preset: tpuv3-pod, devices: 16}\n"                                       // 3
    "parallelism: {data: 16, expert: 16}\n"                                             // 4
    "training: {global_batch_sequences: 64, sequence_length: 512, precision: bf16}\n";  // 5

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

/// Parses a scenario text as the command does (loader checks, overrides, sections, device-count checks).
std::string scenario_error(const std::string& text, const std::vector<std::string>& sets = {},
                           std::int64_t devices = 16) {
  return error_of([&] {
    const YAML::Node root = apply_overrides(load_yaml_text(text, "s.yaml"), sets, "s.yaml");
    const YamlMap map(root, "s.yaml", "");
    check_parallelism(parse_run_spec(map), devices, map);
  });
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  if (pos == std::string::npos) throw std::runtime_error("test bug: no '" + from + "'");
  return text.replace(pos, from.size(), to);
}

TEST(InputLimits, TheBaseScenarioIsValid) {
  EXPECT_EQ(scenario_error(kBase), "no error");
}

TEST(InputLimits, DuplicateKeysAndSectionsAreErrorsNotFirstWins) {
  std::string msg = scenario_error(replace(kBase, "data: 16,", "data: 16, data: 8,"));
  EXPECT_HAS(msg, "s.yaml:4: key 'parallelism.data': given twice");
  msg = scenario_error(kBase + "model: {preset: t5-base}\n");
  EXPECT_HAS(msg, "s.yaml:6: key 'model': given twice");
  EXPECT_HAS(msg, "first at line 2");
}

TEST(InputLimits, OneDocumentOnly) {
  EXPECT_HAS(scenario_error(kBase + "---\nname: other\n"), "one YAML document");
  EXPECT_EQ(scenario_error("---\n" + kBase), "no error");  // a leading document marker is fine
  EXPECT_HAS(scenario_error(",\n"), "s.yaml:1: expected a YAML mapping");  // LoadAll never ends on this
  EXPECT_HAS(scenario_error("# c\n,0# x\nname: v\n"), "s.yaml");
}

TEST(InputLimits, ComplexKeysNonUtf8DeepNestingAndAliasBombs) {
  EXPECT_HAS(scenario_error(kBase + "? [a, b]\n: 1\n"), "plain key");
  // Checked on the raw text, before yaml-cpp (which loops forever on some invalid bytes) sees it.
  EXPECT_HAS(scenario_error(replace(kBase, "name: t", "name: t\xff\xfe")), "s.yaml:1: the file is not UTF-8");
  EXPECT_HAS(scenario_error(replace(kBase, "sequence_length: 512", "sequence_length: 512\xe2\x82")),
             "s.yaml:5: the file is not UTF-8");  // a truncated sequence
  EXPECT_HAS(scenario_error(kBase + "x: \224type:\224\224\224ba.se}\n"), "s.yaml:6: the file is not UTF-8");
  EXPECT_HAS(scenario_error(replace(kBase, "name: t", "name: t\x01")), "control character");
  EXPECT_HAS(scenario_error(kBase, {"name=r\xff"}), "--set name=r\xff: key 'name': expected UTF-8");
  EXPECT_EQ(scenario_error(replace(kBase, "name: t", "name: t\xc3\xa9")), "no error");  // é is fine
  std::string deep = kBase + "x: ";
  for (int i = 0; i < 200; ++i) deep += "[";
  for (int i = 0; i < 200; ++i) deep += "]";
  EXPECT_HAS(scenario_error(deep + "\n"), "nested more than");
  std::string bomb = kBase + "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 8; ++i) {
    const std::string name = std::to_string(i), previous = std::to_string(i - 1);
    bomb.append("a").append(name).append(": &a").append(name).append(" [");
    for (int k = 0; k < 10; ++k) bomb.append(k ? ", *a" : "*a").append(previous);
    bomb.append("]\n");
  }
  EXPECT_HAS(scenario_error(bomb), "more than 100000 values");
}

class ScenarioFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("moesim-limits-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(ScenarioFiles, OnlyRegularFilesOfBoundedSizeAreRead) {
  EXPECT_HAS(error_of([] { load_yaml_file("/dev/zero"); }), "/dev/zero: expected a regular YAML file");
  EXPECT_HAS(error_of([&] { load_yaml_file(dir_.string()); }), "got a directory");
  const auto fifo = dir_ / "fifo.yaml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_HAS(error_of([&] { load_yaml_file(fifo.string()); }), "FIFO");  // returns: no open() that blocks
  const auto big = dir_ / "big.yaml";
  std::ofstream(big) << "name: " << std::string(2 << 20, 'x') << "\n";
  EXPECT_HAS(error_of([&] { load_yaml_file(big.string()); }), "a scenario may have at most 1048576");
  const auto good = dir_ / "good.yaml";
  std::ofstream(good) << kBase;
  EXPECT_EQ(load_yaml_file(good.string())["name"].Scalar(), "t");
}

TEST(InputLimits, CountsAreBoundedBeforeAnythingMultipliesThem) {
  const auto with = [&](const std::string& from, const std::string& to) {
    return scenario_error(replace(kBase, from, to));
  };
  EXPECT_HAS(with("expert: 16}", "expert: 16, micro_batches: 4611686018427387904}"),
             "s.yaml:4: key 'parallelism.micro_batches': expected at most 4096");
  EXPECT_HAS(with("{preset: switch-base}", "{preset: switch-base, experts: 4294967424}"), "model.experts");
  EXPECT_HAS(with("global_batch_sequences: 64", "global_batch_sequences: 1.6e15"),
             "training.global_batch_sequences");
  EXPECT_HAS(with("sequence_length: 512", "sequence_length: 1e15"), "training.sequence_length");
  EXPECT_HAS(with("{preset: switch-base}", "{preset: glam-0.1b-64e, layers: 1e9}"), "model.layers");
  EXPECT_HAS(with("{preset: switch-base}", "{preset: glam-0.1b-64e, experts: 1e9}"), "model.experts");
  EXPECT_HAS(with("data: 16,", "data: 4611686018427388928, tensor: 4,"), "parallelism.data");
  // The product of two allowed values is checked too: 2^31 sequences x 2^20 tokens is over 2^40.
  EXPECT_HAS(with("global_batch_sequences: 64, sequence_length: 512",
                  "global_batch_sequences: 2147483648, sequence_length: 1048576"),
             "tokens per step");
  EXPECT_HAS(with("{preset: switch-base}", "{preset: switch-base, d_model: 16777216, expert_d_ff: 16777216}"),
             "more than 1e15 parameters");
}

TEST(InputLimits, TheStepGraphSizeIsEstimatedAtParseTime) {
  const std::string big =
      replace(replace(kBase, "expert: 16}", "expert: 16, pipeline: 1, micro_batches: 4096}"),
              "global_batch_sequences: 64", "global_batch_sequences: 65536");
  const std::string msg = scenario_error(big);
  EXPECT_HAS(msg, "parallelism.micro_batches");
  EXPECT_HAS(msg, "step graph would hold about");
  EXPECT_EQ(scenario_error(replace(big, "micro_batches: 4096", "micro_batches: 64")), "no error");
}

TEST(InputLimits, AllToAllPricingIsBoundedOverPipelineStages) {
  // switch-base has 24 layers: 8 stages of an expert group of 2,048 would price 8 x 2048^2 pairs.
  const std::string big = replace(
      replace(kBase, "data: 16, expert: 16}", "data: 2048, expert: 2048, pipeline: 8, micro_batches: 8}"),
      "global_batch_sequences: 64", "global_batch_sequences: 16384");
  const std::string msg = scenario_error(big, {}, 16384);
  EXPECT_HAS(msg, "parallelism.pipeline");
  EXPECT_HAS(msg, "device pairs");
  EXPECT_EQ(scenario_error(replace(big, "pipeline: 8", "pipeline: 2"), {}, 4096), "no error");
}

TEST(InputLimits, DimensionlessSettingsAreBounded) {
  EXPECT_HAS(scenario_error(kBase + "energy: {pue: 1.79e308, grid_kgco2e_per_kwh: 0.4}\n"), "energy.pue");
  EXPECT_HAS(scenario_error(
                 replace(kBase, "{preset: switch-base}", "{preset: switch-base, capacity_factor: 1e308}")),
             "model.capacity_factor");
  EXPECT_HAS(scenario_error(kBase + "simulation: {routing: {distribution: zipf, zipf_s: 1e300}}\n"),
             "simulation.routing.zipf_s");
  EXPECT_HAS(scenario_error(kBase + "energy: {pue: 1.1, grid_kgco2e_per_kwh: 0.4, "
                                    "system_power_w_per_accelerator: 1e308 W}\n"),
             "energy.system_power_w_per_accelerator");
  EXPECT_HAS(scenario_error(kBase + "energy: {pue: 1.1, grid_kgco2e_per_kwh: 0.4, "
                                    "system_power_w_per_accelerator: 300}\n"),
             "a bare number has no unit");
  EXPECT_HAS(scenario_error(kBase + "simulation: {steps: 10}\n"), "simulation.steps");
}

TEST(InputLimits, OverridesKeepLinesAndBlameTheOption) {
  // A later error still points at its line in the file after any --set.
  const std::string bad = replace(kBase, "precision: bf16", "precision: bf17");
  EXPECT_HAS(scenario_error(bad, {"model.capacity_factor=2"}), "s.yaml:5: key 'training.precision'");
  EXPECT_HAS(scenario_error(bad, {"cluster.devices=16"}), "s.yaml:5: key 'training.precision'");
  // A bad value given with --set is the option's fault, with the option in the message.
  std::string msg = scenario_error(kBase, {"model.experts=abc"});
  EXPECT_HAS(msg, "--set model.experts=abc: key 'model.experts': expected a whole number");
  EXPECT_EQ(msg.find("s.yaml"), std::string::npos) << msg;
  msg = scenario_error(kBase, {"energy.pue=1.1"});  // a section created by --set, missing a key
  EXPECT_HAS(
      msg, "--set energy.pue=1.1: key 'energy.grid_kgco2e_per_kwh': give exactly one of grid_kgco2e_per_kwh");
  EXPECT_HAS(scenario_error(kBase, {"model"}), "--set model: expected KEY=VALUE");
  EXPECT_HAS(scenario_error(kBase, {"model..experts=3"}), "a dotted key");
  EXPECT_HAS(scenario_error(kBase, {"name.x=3"}), "'name', which is not a mapping");
  EXPECT_HAS(scenario_error(kBase, {"model.experts={a: 1, a: 2}"}), "given twice");
  // The original tree is not changed by an override.
  const YAML::Node root = load_yaml_text(kBase, "s.yaml");
  const YAML::Node changed =
      apply_overrides(root, {"parallelism.data=8", "simulation.backend=ptask"}, "s.yaml");
  EXPECT_EQ(root["parallelism"]["data"].Scalar(), "16");
  EXPECT_FALSE(root["simulation"]);
  EXPECT_EQ(changed["parallelism"]["data"].Scalar(), "8");
  EXPECT_EQ(changed["parallelism"]["expert"].Scalar(), "16");
  EXPECT_EQ(changed["simulation"]["backend"].Scalar(), "ptask");
  EXPECT_EQ(changed["training"].Mark().line, 4);  // untouched sections keep their lines (0-based)
}

}  // namespace
}  // namespace moesim::workloads
