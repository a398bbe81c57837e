// The whole step on SimGrid (ptask) against the analytic engine: the same scenario, two engines.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/step/small_moe_scenario.h"

namespace moesim::sim {
namespace {

using test::dense_yaml;
using test::kSmallMoe;
using test::simulate;

TEST(SimGridStep, GlamOn64GpusAgreesWithAnalytic) {
  // GLaM-1.7B/64E, 2 sequences of 1,024 tokens per GPU, expert degree 64, on 8 DGX H100.
  const std::string glam = R"(
model: {preset: glam-1.7b-64e}
cluster: {preset: dgx-h100-superpod, devices: 64}
parallelism: {data: 64, expert: 64}
training: {global_batch_sequences: 128, sequence_length: 1024, precision: bf16, optimizer: adam}
)";
  const auto a = simulate(glam, {}, "analytic");
  const auto p = simulate(glam, {}, "ptask");
  EXPECT_NEAR(p["step_time_s"].get<double>() / a["step_time_s"].get<double>(), 1.0, 0.10);
}

TEST(SimGridStep, PtaskBackendAgreesWithAnalyticOnASmallCluster) {
  const auto a = simulate(kSmallMoe, {}, "analytic");
  const auto p = simulate(kSmallMoe, {}, "ptask");
  EXPECT_EQ(p["backend"], "ptask");
  EXPECT_NEAR(p["step_time_s"].get<double>() / a["step_time_s"].get<double>(), 1.0, 0.10);
}

// The whole step on SimGrid (ptask) against the analytic engine on MoE and dense layouts of 16 to 128 GPUs
// of the rail-optimised DGX H100 SuperPOD preset.
class SimGridWholeStep : public ::testing::TestWithParam<std::pair<const char*, std::vector<std::string>>> {};

TEST_P(SimGridWholeStep, WithinTenPercentOfAnalytic) {
  const auto& [name, sets] = GetParam();
  const auto& overrides = sets;
  const std::string yaml = std::string(name).rfind("dense", 0) == 0 ? dense_yaml() : std::string(kSmallMoe);
  const auto a = simulate(yaml, overrides, "analytic");
  const auto p = simulate(yaml, overrides, "ptask");
  EXPECT_NEAR(p["step_time_s"].get<double>() / a["step_time_s"].get<double>(), 1.0, 0.10) << name;
}

INSTANTIATE_TEST_SUITE_P(
    Layouts, SimGridWholeStep,
    ::testing::Values(
        std::make_pair("moe16", std::vector<std::string>{}),
        std::make_pair("moe64", std::vector<std::string>{"cluster.devices=64", "parallelism.data=64",
                                                         "training.global_batch_sequences=128"}),
        std::make_pair("tp8-pp2-32",
                       std::vector<std::string>{"cluster.devices=32", "parallelism.data=2",
                                                "parallelism.expert=2", "parallelism.tensor=8",
                                                "parallelism.pipeline=2", "parallelism.micro_batches=4"}),
        std::make_pair("tp8-folded-ep16-32",  // the expert group over 2 nodes' tensor ranks, whole experts
                       std::vector<std::string>{"cluster.devices=32", "parallelism.data=4",
                                                "parallelism.expert=16", "parallelism.expert_tensor=1",
                                                "parallelism.tensor=8",
                                                "parallelism.sequence_parallel=true"}),
        std::make_pair("tp4-etp2-ep8-32",  // experts split over pairs of GPUs, expert groups of 8
                       std::vector<std::string>{"cluster.devices=32", "parallelism.data=8",
                                                "parallelism.expert=8", "parallelism.expert_tensor=2",
                                                "parallelism.tensor=4"}),
        std::make_pair("ep16-pp2-merged-pairs-32",  // forward-backward pairs interleaved on the streams
                       std::vector<std::string>{
                           "cluster.devices=32", "parallelism.pipeline=2", "parallelism.micro_batches=8",
                           "training.global_batch_sequences=128", "simulation.overlap.ep_comm=true"}),
        std::make_pair("dense-tp8-pp4-128",
                       std::vector<std::string>{"cluster.devices=128", "parallelism.data=4",
                                                "parallelism.expert=1", "parallelism.tensor=8",
                                                "parallelism.pipeline=4", "parallelism.micro_batches=8"})),
    [](const auto& info) {
      std::string n = info.param.first;
      std::replace(n.begin(), n.end(), '-', '_');
      return n;
    });

}  // namespace
}  // namespace moesim::sim
