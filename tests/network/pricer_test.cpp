// The step's network demands priced with the collective models: per-sender routing rows, the library's
// choices, `simulation.all_to_all`, the flow backend's limit, and weak scaling of the gradient all-reduce.
#include <gtest/gtest.h>

#include <numeric>

#include "reports/scenario_run.h"
#include "sim/network/network_backend.h"
#include "sim/step/expert_load.h"
#include "sim/step/network_pricer.h"
#include "sim/step/step_simulation.h"
#include "topologies/cluster_spec.h"
#include "topologies/topology_factory.h"
#include "workloads/config_error.h"
#include "workloads/run_spec.h"
#include "workloads/scenario_overrides.h"
#include "workloads/yaml_reader.h"

namespace moesim::sim {
namespace {

const char* kGlam = R"(
name: glam-1.7b-64e
model: {preset: glam-1.7b-64e}
cluster: {preset: dgx-h100-superpod, devices: 256}
parallelism: {data: 256, expert: 64}
training: {global_batch_sequences: 512, sequence_length: 1024, precision: bf16, optimizer: adam}
simulation: {backend: analytic, routing: {distribution: zipf, zipf_s: 0.8, seed: 3}}
)";

nlohmann::json simulate(const std::string& yaml, const std::vector<std::string>& overrides = {},
                        const std::string& backend = "") {
  SimulateOptions o;
  if (!backend.empty()) o.backend = backend;
  return reports::simulate_scenario(workloads::apply_overrides(YAML::Load(yaml), overrides, "test.yaml"),
                                    "test.yaml", o);
}

TEST(SenderLoads, RowsDifferAndSumToTheLayer) {
  RoutingDistribution d;
  d.kind = "zipf";
  d.zipf_s = 1.0;
  const auto load = draw_expert_load(d, 64, 2, 65536, 1.25, 3);
  const auto rows = sender_loads(load, 64);
  ASSERT_EQ(rows.size(), 64u);
  for (std::size_t e = 0; e < 64; ++e) {
    double routed = 0, accepted = 0;
    for (const auto& r : rows) {
      routed += r.routed_tokens[e];
      accepted += r.accepted_tokens[e];
    }
    EXPECT_NEAR(routed, load.routed_tokens[e], 1e-9);
    EXPECT_NEAR(accepted, load.accepted_tokens[e], 1e-6);
  }
  const double per_sender = 65536.0 * 2 / 64;
  for (const auto& r : rows)
    EXPECT_NEAR(std::accumulate(r.routed_tokens.begin(), r.routed_tokens.end(), 0.0), per_sender, 64);
  EXPECT_NE(rows[0].routed_tokens, rows[1].routed_tokens);
  EXPECT_EQ(sender_loads(load, 64)[5].routed_tokens, rows[5].routed_tokens);  // reproducible
}

TEST(Pricer, EveryDemandCarriesTheLibrarysChoice) {
  const YamlMap root(YAML::Load(kGlam), "test.yaml", "");
  const auto run = workloads::parse_run_spec(root);
  const auto topo = topologies::make_topology(topologies::parse_cluster(root.map("cluster")));
  BuiltStep step;
  step.layout = {256, 1, 1, 64};
  RoutingDistribution d;
  step.loads = {draw_expert_load(d, 64, 2, routed_tokens_per_group(run), run.model.capacity_factor, 0)};
  step.demands = {{NetworkDemand::Kind::kAllToAll, 0, 0, 0, false},
                  {NetworkDemand::Kind::kAllToAll, 0, 0, 0, true},
                  {NetworkDemand::Kind::kDpAllReduce, -1, 0, 64e6, false},
                  {NetworkDemand::Kind::kExpertAllReduce, -1, 0, 64e6, false}};
  auto backend = network::make_backend(network::BackendKind::kAnalytic, *topo);
  const auto prices = price_demands(step, run, *topo, *backend);
  ASSERT_EQ(prices.size(), 4u);
  for (const auto& p : prices) {
    EXPECT_FALSE(p.algorithm.empty());
    EXPECT_GT(p.time_s, 0);
    EXPECT_LE(p.latency_s, p.time_s);
    EXPECT_EQ(p.tier_busy_s.size(), topo->tiers().size());
  }
  EXPECT_NEAR(prices[0].network_bytes, prices[1].network_bytes, 1e-6 * prices[0].network_bytes);  // transpose
  EXPECT_NE(prices[2].algorithm.find("nvls-tree"), std::string::npos) << prices[2].algorithm;
  std::cout << prices[0].algorithm << ", " << prices[2].algorithm << ", " << prices[3].algorithm << "\n";
}

TEST(Pricer, AllToAllAlgorithmIsAScenarioChoice) {
  const double direct = simulate(kGlam, {"simulation.all_to_all=direct"})["breakdown_s"]["exposed_a2a_s"];
  const double pairwise = simulate(kGlam, {"simulation.all_to_all=pairwise"})["breakdown_s"]["exposed_a2a_s"];
  EXPECT_GT(pairwise, direct);
  EXPECT_THROW(simulate(kGlam, {"simulation.all_to_all=butterfly"}), ConfigError);
}

TEST(Pricer, FlowBackendRefusesLargeStepsAsBadInput) {
  try {
    simulate(kGlam, {"cluster.devices=512", "parallelism.data=512", "training.global_batch_sequences=1024"},
             "flow");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "simulation.backend");
  }
}

TEST(Pricer, GradientAllReduceWeakScalesFrom256To4096Gpus) {
  // GLaM-1.7B/64E, 2 sequences of 1,024 tokens per GPU, expert degree 64: NCCL's tuner moves the gradient
  // all-reduces to NVLS Tree (log-depth latency, NIC-bound bandwidth) as the group grows.
  const double small = simulate(kGlam)["step_time_s"];
  const double large =
      simulate(kGlam, {"cluster.devices=4096", "cluster.fabric.levels=3", "parallelism.data=4096",
                       "training.global_batch_sequences=8192"})["step_time_s"];
  std::cout << "GLaM-1.7B/64E step: 256 GPUs " << small << " s, 4,096 GPUs " << large << " s\n";
  EXPECT_LE(large, 1.5 * small);
}

}  // namespace
}  // namespace moesim::sim
