// The 2023-2025 presets and the Shazeer LSTM-MoE inside whole simulated steps: every model preset on the
// 1,024-GPU DGX H100 SuperPOD reports its publisher's totals, node-limited routing lowers DeepSeek-V3's
// network all-to-all bytes, shared experts and LSTM layers appear as ops, and a custom accelerator is
// priced from its own peaks.
#include <gtest/gtest.h>

#include <string>

#include "reports/scenario_run.h"
#include "workloads/config_error.h"
#include "workloads/scenario_overrides.h"

namespace moesim::sim {
namespace {

nlohmann::json simulate(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  SimulateOptions o;
  return reports::simulate_scenario(workloads::apply_overrides(YAML::Load(yaml), overrides, "test.yaml"),
                                    "test.yaml", o);
}

double rel(double ours, double published) {
  return std::abs(ours - published) / published;
}

struct Published {
  const char* preset;
  double total, active;
  int expert;
};

// One layout for all of them: ZeRO-3 data parallelism over the 1,024 GPUs, experts over groups of up to
// 64, one 4K sequence per GPU with full recomputation. Tolerances: 3% on the total, 6% on the active
// count (the publishers round: "37B", "22B").
TEST(RecentModelsStep, PresetsOn1024H100ReportThePublishersTotals) {
  const std::vector<Published> rows = {{"mixtral-8x7b", 46.7e9, 12.9e9, 8},
                                       {"mixtral-8x22b", 141e9, 39e9, 8},
                                       {"deepseek-v2", 236e9, 21e9, 32},
                                       {"deepseek-v3", 671e9, 37e9, 64},
                                       {"qwen3-30b-a3b", 30.5e9, 3.3e9, 64},
                                       {"qwen3-235b-a22b", 235e9, 22e9, 64},
                                       {"dbrx", 132e9, 36e9, 16},
                                       {"olmoe-1b-7b", 6.9e9, 1.3e9, 64}};
  for (const auto& r : rows) {
    const std::string yaml =
        std::string("model: {preset: ") + r.preset +
        "}\ncluster: {preset: dgx-h100-superpod, devices: 1024}\n"
        "parallelism: {data: 1024, expert: " +
        std::to_string(r.expert) +
        ", zero: 3}\n"
        "training: {global_batch_sequences: 1024, sequence_length: 4096, precision: bf16, "
        "recompute: full}\n";
    const auto j = simulate(yaml);
    EXPECT_LT(rel(j["params_total"].get<double>(), r.total), 0.03) << r.preset << " " << j["params_total"];
    EXPECT_LT(rel(j["params_activated"].get<double>(), r.active), 0.06)
        << r.preset << " " << j["params_activated"];
    EXPECT_GT(j["step_time_s"].get<double>(), 0) << r.preset;
  }
}

// DeepSeek-V3 (4 of its layers) with EP64 over 8 DGX H100 nodes: 32 experts per node.
const char* kDeepseek = R"(
model: {preset: deepseek-v3, layers: 4, first_dense_layers: 1, mtp_modules: 0}
cluster: {preset: dgx-h100-superpod, devices: 64}
parallelism: {data: 64, expert: 64, zero: 1}
training: {global_batch_sequences: 64, sequence_length: 4096, precision: bf16, recompute: full}
)";

double nic_bytes(const nlohmann::json& j) {
  return j["a2a_bytes_per_tier"].value("nic", 0.0);
}

// Without the limit every expert copy is sent (NCCL all-to-all); with DeepSeek's dispatch but a limit of
// 8 nodes (all of them: no limit in effect) a token crosses the network once per node it uses (~5.2 of 8
// with 8 random experts); with the limit of 4 nodes at most 4 (~3.6). The NVLink fan-out inside the
// destination node carries the rest.
TEST(RecentModelsStep, NodeLimitedRoutingLowersInterNodeAllToAllBytes) {
  const auto limited = simulate(kDeepseek);
  const auto dedup_only = simulate(kDeepseek, {"model.node_limit=8"});
  const auto unlimited = simulate(kDeepseek, {"model.node_limit=0"});
  EXPECT_LT(nic_bytes(limited), 0.85 * nic_bytes(dedup_only));
  EXPECT_LT(nic_bytes(dedup_only), 0.85 * nic_bytes(unlimited));
  // Remote copies per token: 8 x 7/8 = 7 without dedup; node-limited about 4 x (1 - (3/4)^8) x 7/8 = 3.1.
  EXPECT_NEAR(nic_bytes(limited) / nic_bytes(unlimited), 3.15 / 7.0, 0.08);
  EXPECT_LT(limited["step_time_s"].get<double>(), unlimited["step_time_s"].get<double>());
}

// The deepep dispatcher sends a token once per destination node and GPU without restricting the routing:
// the same bytes as DeepSeek's dispatch with a limit that limits nothing (all 8 nodes), and far fewer
// network bytes than an all-to-all of every copy.
TEST(RecentModelsStep, DeepepDispatcherForwardsOncePerNodeWithoutLimitingTheRouting) {
  const std::vector<std::string> free = {"model.node_limit=0", "model.expert_groups=0",
                                         "model.group_top_k=0"};
  auto with = [&](std::vector<std::string> v, const std::string& o) {
    v.push_back(o);
    return v;
  };
  const auto alltoall = simulate(kDeepseek, free);
  const auto deepep = simulate(kDeepseek, with(free, "simulation.token_dispatcher=deepep"));
  const auto dedup_only = simulate(kDeepseek, {"model.node_limit=8"});
  EXPECT_DOUBLE_EQ(nic_bytes(deepep), nic_bytes(dedup_only));
  EXPECT_DOUBLE_EQ(deepep["step_time_s"].get<double>(), dedup_only["step_time_s"].get<double>());
  EXPECT_LT(nic_bytes(deepep), 0.85 * nic_bytes(alltoall));
  // With DeepSeek's node limit the dispatch is per node already; group-limited routing is not combined.
  EXPECT_DOUBLE_EQ(nic_bytes(simulate(kDeepseek, {"simulation.token_dispatcher=deepep"})),
                   nic_bytes(simulate(kDeepseek)));
  EXPECT_THROW(simulate(kDeepseek, {"model.node_limit=0", "simulation.token_dispatcher=deepep"}),
               ConfigError);
  EXPECT_THROW(simulate(kDeepseek, {"simulation.token_dispatcher=nccl"}), ConfigError);
}

// DeepSeek-V3's FP8 dispatch (§3.3.4): the dispatch direction (forward dispatch, backward combine
// gradient) moves one byte per element plus an fp32 scale per 128, the combine direction stays in bf16, so
// the step's all-to-all bytes fall to (1 + 1/32 + 2) / 4 of the bf16 step's and the step is faster.
TEST(RecentModelsStep, Fp8DispatchHalvesTheDispatchDirectionOnly) {
  const auto bf16 = simulate(kDeepseek);
  const auto fp8 = simulate(kDeepseek, {"training.dispatch_precision=fp8"});
  const double ratio = (1.0 + 1.0 / 32.0 + 2.0) / 4.0;
  EXPECT_NEAR(fp8["a2a_bytes_per_step"].get<double>() / bf16["a2a_bytes_per_step"].get<double>(), ratio,
              1e-9);
  EXPECT_NEAR(fp8["a2a_bytes_per_token"].get<double>() / bf16["a2a_bytes_per_token"].get<double>(), ratio,
              1e-12);
  EXPECT_NEAR(fp8["dispatch_dtype_bytes"].get<double>(), 1.0 + 1.0 / 32.0, 1e-12);
  EXPECT_LT(fp8["step_time_s"].get<double>(), bf16["step_time_s"].get<double>());
  EXPECT_THROW(simulate(kDeepseek, {"training.dispatch_precision=int4"}), ConfigError);
}

// Shazeer et al. 2017's MoE-4096-h on 16 K40 (Table 7's set-up, one group per GPU): it simulates, with
// the LSTM layers and the MoE as compute, and its predicted TFLOPS/GPU is in the K40's range. Adafactor's
// factored second moment (the paper's App. D optimizer) keeps it within the K40's 12 GB.
TEST(RecentModelsStep, LstmMoeStepSimulates) {
  const auto j = simulate(R"(
model: {preset: shazeer-lm1b-moe-4096-h}
cluster: {preset: k40-pcie-cluster, devices: 16}
parallelism: {data: 16, expert: 16}
training: {global_batch_sequences: 14992, sequence_length: 20, precision: fp32, optimizer: adafactor}
)");
  const double tflops = j["model_flops_per_step"].get<double>() / j["step_time_s"].get<double>() / 16 / 1e12;
  EXPECT_GT(tflops, 0.3);
  EXPECT_LT(tflops, 4.29);
  EXPECT_GT(j["breakdown_s"]["compute_s"].get<double>(), 0);
}

// A custom accelerator: twice an H100's peaks and memory bandwidth make the same step faster; a bare number
// without its unit is refused naming the key.
TEST(RecentModelsStep, CustomAcceleratorFromTheScenario) {
  const std::string base = R"(
model: {preset: mixtral-8x7b, layers: 4}
parallelism: {data: 16, expert: 8, zero: 1}
training: {global_batch_sequences: 32, sequence_length: 4096, precision: bf16}
)";
  const auto h100 = simulate(base + "cluster: {preset: dgx-h100-superpod, devices: 16}\n");
  const auto x2 = simulate(base + R"(cluster:
  preset: dgx-h100-superpod
  devices: 16
  accelerator: {name: h100-x2, like: h100-sxm, peak_flops: {bf16: 1978 TFLOP/s, fp8: 3958 TFLOP/s},
                hbm: 160 GB, hbm_bandwidth: 6.7 TB/s, power: {tdp: 1000 W, idle: 150 W}}
)");
  EXPECT_LT(x2["step_time_s"].get<double>(), h100["step_time_s"].get<double>());
  EXPECT_EQ(x2["accelerator"].get<std::string>(), "h100-x2");
  try {
    simulate(base +
             "cluster: {preset: dgx-h100-superpod, devices: 16, accelerator: {name: y, like: h100-sxm, "
             "peak_flops: {bf16: 900 TFLOP/s}, hbm: 80, hbm_bandwidth: 3 TB/s}}\n");
    FAIL() << "a bare hbm was accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "cluster.accelerator.hbm") << e.what();
  }
}

// `capacity_factor: none` is dropless: a skewed router drops tokens at capacity 1.0 and none without one.
TEST(RecentModelsStep, CapacityFactorNoneDropsNothing) {
  const std::string yaml = R"(
model: {preset: switch-base, capacity_factor: 1.0}
cluster: {preset: dgx-h100-superpod, devices: 16}
parallelism: {data: 16, expert: 16}
training: {global_batch_sequences: 64, sequence_length: 512, precision: bf16}
simulation: {routing: {distribution: zipf, zipf_s: 0.8}}
)";
  const auto capped = simulate(yaml);
  const auto dropless = simulate(yaml, {"model.capacity_factor=none"});
  EXPECT_GT(capped["routing"]["dropped_fraction"].get<double>(), 0.01);
  EXPECT_EQ(dropless["routing"]["dropped_fraction"].get<double>(), 0.0);
  EXPECT_GT(dropless["step_time_s"].get<double>(), 0);
}

TEST(RecentModelsStep, GShardTopTwoSendsFewerCopiesThanPlainTopTwo) {
  const std::string yaml = R"(
model: {preset: glam-1.7b-64e, capacity_factor: none}
cluster: {preset: dgx-h100-superpod, devices: 64}
parallelism: {data: 64, expert: 64}
training: {global_batch_sequences: 64, sequence_length: 1024, precision: bf16}
)";
  const auto plain = simulate(yaml, {"model.gating=topk"});
  const auto gshard = simulate(yaml, {"model.gating=top2"});
  const auto sharp = simulate(yaml, {"model.gating=top2", "simulation.routing.logit_std=4"});
  const auto a2a = [](const nlohmann::json& r) {
    double b = 0;
    for (const auto& [tier, bytes] : r["a2a_bytes_per_tier"].items()) b += bytes.get<double>();
    return b;
  };
  const double keep = gshard["routing"]["last_expert_dispatch_probability"].get<double>();
  EXPECT_DOUBLE_EQ(plain["routing"]["last_expert_dispatch_probability"].get<double>(), 1.0);
  EXPECT_GT(keep, 0.5);
  EXPECT_LT(keep, 0.99);
  // The all-to-alls carry (1 + keep) copies per token instead of 2.
  EXPECT_NEAR(a2a(gshard) / a2a(plain), (1 + keep) / 2, 0.02);
  EXPECT_LT(a2a(sharp), a2a(gshard));
}

}  // namespace
}  // namespace moesim::sim
