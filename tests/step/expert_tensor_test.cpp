// Expert tensor parallelism and MoE parallel folding: the expert-parallel group may take tensor ranks, each
// expert may be split over its own expert-tensor group, and the collectives around the experts follow.
#include "reports/scenario_run.h"
#include "workloads/scenario_overrides.h"

#include <gtest/gtest.h>

#include "sim/step/step_builder.h"

namespace moesim::sim {
namespace {

// Mixtral's layer shape, 4 layers, on two DGX H100 nodes: 8-way tensor parallelism fills a node.
const char* kMixtral = R"(
name: expert-tensor
model: {preset: mixtral-8x7b, layers: 4}
cluster: {preset: dgx-h100-superpod, devices: 16}
parallelism: {data: 2, tensor: 8, expert: 8, expert_tensor: 1, sequence_parallel: true}
training: {global_batch_sequences: 32, sequence_length: 4096, precision: bf16}
)";

// The classic layout: the expert group inside the data ranks, each expert split over the tensor group.
const std::vector<std::string> kClassic{"parallelism.expert=2", "parallelism.expert_tensor=8"};

nlohmann::json simulate(const std::vector<std::string>& overrides = {}) {
  return reports::simulate_scenario(workloads::apply_overrides(YAML::Load(kMixtral), overrides, "t.yaml"),
                                    "t.yaml", SimulateOptions{});
}

StepResult timeline(const std::vector<std::string>& overrides) {
  SimulateOptions o;
  o.keep_timeline = true;
  return simulate_step(
      reports::read_scenario(workloads::apply_overrides(YAML::Load(kMixtral), overrides, "t.yaml"), "t.yaml"),
      o);
}

/// Ops of `category` on simulated device 0.
int count_of(const StepResult& r, OpCategory category) {
  int n = 0;
  for (const auto& op : r.timeline) n += op.device == 0 && op.category == category ? 1 : 0;
  return n;
}

/// Collectives of the expert-tensor and tensor groups around the experts on simulated device 0.
int gathers_of(const StepResult& r) {
  return count_of(r, OpCategory::kTpGather);
}

TEST(ExpertTensor, RankLayoutFoldsToTheClassicOrderWhenExpertTensorIsTensor) {
  RankLayout L{4, 2, 3, 2, 2};
  for (int s = 0; s < L.pipeline; ++s)
    for (int g = 0; g < L.expert_data(); ++g)
      for (int e = 0; e < L.expert; ++e)
        for (int t = 0; t < L.expert_tensor; ++t)
          EXPECT_EQ(L.expert_device(s, g, e, t), L.device(s, g * L.expert + e, t));
  // Folded: 8 expert members take the 2 tensor x 4 data ranks of a stage, one expert-data replica.
  RankLayout F{4, 2, 1, 8, 1};
  EXPECT_EQ(F.expert_data(), 1);
  for (int e = 0; e < 8; ++e) EXPECT_EQ(F.expert_device(0, 0, e, 0), e);
}

TEST(ExpertTensor, FoldingTheExpertGroupIntoTheNodeKeepsTheAllToAllOffTheNetwork) {
  // Classic: the 2 expert members are the 2 data ranks, one per node, so the all-to-all crosses the NICs.
  // Folded (expert 8, expert_tensor 1): the 8 members are one node's GPUs and the all-to-all stays on NVLink.
  const auto classic = simulate(kClassic);
  const auto folded = simulate();
  EXPECT_GT(classic["a2a_bytes_per_tier"].value("nic", 0.0), 0.0);
  EXPECT_EQ(folded["a2a_bytes_per_tier"].value("nic", 0.0), 0.0);
  EXPECT_GT(folded["a2a_bytes_per_tier"].value("nvlink", 0.0), 0.0);
  EXPECT_LT(folded["step_time_s"].get<double>(), classic["step_time_s"].get<double>());
  EXPECT_EQ(folded["parallelism"]["expert_tensor"].get<int>(), 1);
  // Without the key each expert is split over the tensor ranks, as before expert tensor parallelism.
  std::string yaml = kMixtral;
  yaml.replace(yaml.find(", expert_tensor: 1"), 18, "");
  const auto by_default = reports::simulate_scenario(
      workloads::apply_overrides(YAML::Load(yaml), {"parallelism.expert=2"}, "t.yaml"), "t.yaml", {});
  EXPECT_EQ(by_default["parallelism"]["expert_tensor"].get<int>(), 8);
  EXPECT_EQ(by_default["step_time_s"].get<double>(), classic["step_time_s"].get<double>());
}

TEST(ExpertTensor, ExpertWeightsAreSplitOverExpertAndExpertTensorRanks) {
  const auto classic = simulate(kClassic);  // 2 x 8 = 16 shards of each layer's experts
  const auto folded = simulate();           // 8 x 1 = 8 shards
  const auto mixed = simulate({"parallelism.expert=4", "parallelism.expert_tensor=2"});  // 8 shards
  const double experts = classic["params_experts"].get<double>();
  auto weights = [](const nlohmann::json& r) {
    return r["memory_bytes_per_device"]["weights"].get<double>();
  };
  // bf16 weights, the dense part split over the same 8 tensor ranks in all three.
  EXPECT_NEAR(weights(folded) - weights(classic), 2.0 * experts * (1.0 / 8 - 1.0 / 16), 1e3);
  EXPECT_NEAR(weights(mixed), weights(folded), 1e3);
}

TEST(ExpertTensor, ComputeIsTheSameWorkWhateverTheSplit) {
  // Every copy's FFN runs once, on one device or split over an expert-tensor group.
  for (const auto& o : {kClassic, std::vector<std::string>{},
                        std::vector<std::string>{"parallelism.expert=4", "parallelism.expert_tensor=2"}}) {
    const auto r = simulate(o);
    EXPECT_EQ(r["routing"]["dropped_fraction"].get<double>(), 0.0);
    EXPECT_NEAR(r["executed_flops_per_step"].get<double>() / r["model_flops_per_step"].get<double>(), 1.0,
                1e-6);
  }
}

TEST(ExpertTensor, SplitExpertsGatherTheirTokensAndScatterTheirOutputs) {
  // With expert_tensor 8 each MoE layer's pass runs one all-gather of the received copies and one
  // reduce-scatter of the outputs over the expert-tensor group: 4 MoE layers x (forward, backward).
  EXPECT_EQ(gathers_of(timeline(kClassic)), 4 * 2 * 2);
  // Whole experts with sequence parallelism: each tensor rank routed its own sequence shard and gets it back.
  EXPECT_EQ(gathers_of(timeline({})), 0);
  // Without sequence parallelism the tensor group all-gathers the MoE outputs back into replicated
  // activations, once per pass.
  EXPECT_EQ(gathers_of(timeline({"parallelism.sequence_parallel=false"})), 4 * 2);
  EXPECT_GT(
      simulate({"parallelism.sequence_parallel=false"})["breakdown_s"]["exposed_allreduce_s"].get<double>(),
      simulate()["breakdown_s"]["exposed_allreduce_s"].get<double>());
}

TEST(ExpertTensor, SharedExpertsReduceTheirOutputsOverTheTensorGroup) {
  // A shared expert is split over the tensor ranks like a dense FFN: one more tensor all-reduce per MoE
  // layer and pass (4 layers, forward and backward), which the routed experts' layout does not need.
  const int without = count_of(timeline({}), OpCategory::kTpAllReduce);
  const int with = count_of(timeline({"model.shared_experts=1"}), OpCategory::kTpAllReduce);
  EXPECT_EQ(with - without, 4 * 2);
}

}  // namespace
}  // namespace moesim::sim
