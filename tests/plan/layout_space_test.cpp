// The layout space: every enumerated layout is valid, every valid one is enumerated (against a brute force
// over all degrees filtered by check_parallelism), and the memory estimate is what the simulation computes.
#include <gtest/gtest.h>

#include <set>

#include "plan/layout_memory.h"
#include "plan/layout_space.h"
#include "plan_test_support.h"
#include "sim/step/step_simulation.h"
#include "workloads/config_error.h"

namespace moesim::plan {
namespace {

std::set<std::string> labels(const std::vector<Layout>& ls) {
  std::set<std::string> out;
  for (const auto& l : ls) out.insert(l.label(true));
  return out;
}

/// Every (tensor, pipeline, expert, micro-batches, virtual stages) up to generous bounds, data = devices /
/// (tensor × pipeline), with the fixed ZeRO stage / recompute / no sequence parallelism the plan below asks
/// for, that check_parallelism accepts and whose tensor degree stays inside a node.
std::set<std::string> brute_force(const PlanProblem& problem) {
  const YamlMap root(problem.root, problem.file, "");
  const auto& base = problem.clusters.front();
  const std::int64_t n = base.cluster.device_count(), per_node = n / base.cluster.node_count();
  std::set<std::string> out;
  for (std::int64_t t = 1; t <= n; ++t)
    for (std::int64_t p = 1; p <= n; ++p) {
      if (n % (t * p) != 0) continue;
      for (std::int64_t e = 1; e <= n; ++e)
        for (std::int64_t m = 1; m <= 64; ++m)
          for (std::int64_t v = 1; v <= 24; ++v)
            for (const std::int64_t etp : {std::int64_t{0}, std::int64_t{1}}) {  // classic, folded
              Layout l;
              l.devices = n;
              l.parallelism = base.run.parallelism;
              l.parallelism.expert_tensor = etp;
              l.parallelism.tensor = t;
              l.parallelism.pipeline = p;
              l.parallelism.data = n / (t * p);
              l.parallelism.expert = e;
              l.parallelism.micro_batches = m;
              l.parallelism.virtual_stages = v;
              l.parallelism.zero = 1;
              l.parallelism.sequence_parallel = false;
              l.recompute = workloads::Recompute::kSelective;
              if (per_node % t != 0) continue;
              try {
                workloads::check_parallelism(apply_layout(base, l).run, n, root);
              } catch (const ConfigError&) {
                continue;
              }
              out.insert(l.label(true));
            }
    }
  return out;
}

TEST(LayoutSpace, EnumeratesExactlyTheValidLayouts) {
  const auto problem = test::problem_of_file(
      test::small_moe_path(), {"plan.zero=1", "plan.recompute=selective", "plan.sequence_parallel=false",
                               "plan.max_micro_batches=64"});
  const YamlMap root(problem.root, problem.file, "");
  std::size_t rejected = 99;
  const auto layouts = enumerate_layouts(problem.clusters.front(), root, problem.spec, &rejected);
  EXPECT_EQ(rejected, 0u) << "the enumerator's rules and check_parallelism disagree";
  const auto expected = brute_force(problem);
  EXPECT_EQ(labels(layouts).size(), layouts.size()) << "no layout twice";
  EXPECT_EQ(labels(layouts), expected);
  EXPECT_GT(layouts.size(), 100u);
}

TEST(LayoutSpace, FoldedExpertGroupsTakeTensorRanks) {
  // With tensor > 1 the folded layouts (whole experts, expert_tensor 1) let the expert group grow past
  // the data ranks; `expert_tensor: tensor` leaves only the classic ones.
  const auto both = test::problem_of_file(test::small_moe_path(), {"plan.recompute=none", "plan.zero=0"});
  const auto classic = test::problem_of_file(
      test::small_moe_path(), {"plan.recompute=none", "plan.zero=0", "plan.expert_tensor=tensor"});
  const YamlMap r1(both.root, both.file, ""), r2(classic.root, classic.file, "");
  bool past_data = false;
  std::size_t folded = 0;
  for (const auto& l : enumerate_layouts(both.clusters.front(), r1, both.spec)) {
    const auto& p = l.parallelism;
    if (p.expert_tensor_degree() == p.tensor) continue;
    ++folded;
    EXPECT_EQ(p.expert_tensor_degree(), 1);
    EXPECT_GT(p.tensor, 1);
    EXPECT_NE(l.label().find(" ETP1 "), std::string::npos) << l.label();
    past_data = past_data || p.expert > p.data;
  }
  EXPECT_GT(folded, 0u);
  EXPECT_TRUE(past_data);
  for (const auto& l : enumerate_layouts(classic.clusters.front(), r2, classic.spec))
    EXPECT_EQ(l.parallelism.expert_tensor_degree(), l.parallelism.tensor);
}

TEST(LayoutSpace, AllToAllOverlapDoublesOnlyTheLayoutsWithAnExpertGroupAndMicroBatches) {
  const std::vector<std::string> narrow{"plan.recompute=none", "plan.zero=0", "plan.max_micro_batches=4"};
  auto with = narrow;
  with.push_back("plan.ep_comm=both");
  const auto off = test::problem_of_file(test::small_moe_path(), narrow);
  const auto both = test::problem_of_file(test::small_moe_path(), with);
  const YamlMap r1(off.root, off.file, ""), r2(both.root, both.file, "");
  const auto plain = enumerate_layouts(off.clusters.front(), r1, off.spec);
  std::size_t rejected = 99;
  const auto doubled = enumerate_layouts(both.clusters.front(), r2, both.spec, &rejected);
  EXPECT_EQ(rejected, 0u) << "no overlapped layout may be refused";
  std::size_t eligible = 0, interleaved = 0;
  for (const auto& l : plain) {
    EXPECT_FALSE(l.ep_comm) << "the scenario does not overlap, and the plan does not ask";
    const auto& p = l.parallelism;
    const bool ok = p.expert > 1 && p.micro_batches > 1;
    eligible += ok ? 1 : 0;
    interleaved += l.parallelism.virtual_stages > 1 ? 1 : 0;
  }
  ASSERT_GT(eligible, 0u);
  ASSERT_GT(interleaved, 0u);
  std::size_t interleaved_overlap = 0;
  EXPECT_EQ(doubled.size(), plain.size() + eligible);
  for (const auto& l : doubled) {
    if (!l.ep_comm) continue;
    EXPECT_GT(l.parallelism.expert, 1) << l.label();
    interleaved_overlap += l.parallelism.virtual_stages > 1 ? 1 : 0;
    EXPECT_GT(l.parallelism.micro_batches, 1) << l.label();
    EXPECT_NE(l.label().find(" ep-overlap"), std::string::npos) << l.label();
    EXPECT_EQ(l.overrides().back(), "simulation.overlap.ep_comm=true");
  }
  EXPECT_GT(interleaved_overlap, 0u) << "interleaved layouts are overlapped too";
}

TEST(LayoutSpace, ConstraintsNarrowTheSpace) {
  const auto problem = test::problem_of_file(
      test::small_moe_path(),
      {"plan.max_tensor=2", "plan.expert=8", "plan.zero=[0, 3]", "plan.recompute=none"});
  const YamlMap root(problem.root, problem.file, "");
  const auto layouts = enumerate_layouts(problem.clusters.front(), root, problem.spec);
  ASSERT_FALSE(layouts.empty());
  for (const auto& l : layouts) {
    EXPECT_LE(l.parallelism.tensor, 2);
    EXPECT_EQ(l.parallelism.expert, 8);
    EXPECT_TRUE(l.parallelism.zero == 0 || l.parallelism.zero == 3);
    EXPECT_EQ(l.recompute, workloads::Recompute::kNone);
    EXPECT_EQ(l.parallelism.sequence_parallel, l.parallelism.tensor > 1);
  }
}

TEST(LayoutSpace, TensorOnlyLeavesANodeWhenAllowed) {
  const auto inside = test::problem_of_file(test::small_moe_path(), {"plan.recompute=none", "plan.zero=3"});
  const auto across = test::problem_of_file(
      test::small_moe_path(), {"plan.recompute=none", "plan.zero=3", "plan.tensor_within_node=false"});
  const YamlMap r1(inside.root, inside.file, ""), r2(across.root, across.file, "");
  std::int64_t max_inside = 0, max_across = 0;
  for (const auto& l : enumerate_layouts(inside.clusters.front(), r1, inside.spec))
    max_inside = std::max(max_inside, l.parallelism.tensor);
  for (const auto& l : enumerate_layouts(across.clusters.front(), r2, across.spec))
    max_across = std::max(max_across, l.parallelism.tensor);
  EXPECT_EQ(max_inside, 8);   // 8 GPUs per DGX node
  EXPECT_EQ(max_across, 16);  // GLaM 1.7B has 16 heads
}

TEST(LayoutSpace, MemoryEstimateIsWhatTheSimulationComputes) {
  const auto problem = test::problem_of_file(test::small_moe_path(), {"plan.stage_layers=both"});
  const YamlMap root(problem.root, problem.file, "");
  const auto& base = problem.clusters.front();
  const auto layouts = enumerate_layouts(base, root, problem.spec);
  const auto accounting = workloads::account_model(base.run.model, {base.run.training.sequence_length, 2});
  std::size_t compared = 0, refused = 0;
  for (std::size_t i = 0; i < layouts.size(); i += 37) {
    const auto scenario = apply_layout(base, layouts[i]);
    const auto estimate = estimate_memory(
        scenario.run, accounting, base.cluster.device_count() / std::max(1, base.cluster.node_count()));
    try {
      const auto r = sim::simulate_step(scenario, {});
      EXPECT_EQ(estimate.total_bytes(), r.memory.total_bytes()) << layouts[i].label();
      EXPECT_EQ(estimate.activations_bytes, r.memory.activations_bytes) << layouts[i].label();
      EXPECT_EQ(estimate.buffers_bytes, r.memory.buffers_bytes) << layouts[i].label();
      EXPECT_LE(estimate.total_bytes(), r.hbm_bytes);
      ++compared;
    } catch (
        const ConfigError& e) {  // the simulation refuses exactly the layouts the estimate says do not fit
      EXPECT_GT(estimate.total_bytes(), problem.hbm_bytes) << layouts[i].label() << ": " << e.what();
      EXPECT_NE(std::string(e.what()).find("GB per device"), std::string::npos);
      ++refused;
    }
  }
  EXPECT_GT(compared, 10u);
  EXPECT_GT(refused, 3u);
}

TEST(LayoutSpace, OverridesGiveTheLayoutToSimulate) {
  Layout l;
  l.devices = 16;
  l.parallelism.data = 4;
  l.parallelism.tensor = 2;
  l.parallelism.pipeline = 2;
  l.parallelism.expert = 4;
  l.parallelism.micro_batches = 8;
  l.parallelism.virtual_stages = 2;
  l.parallelism.zero = 3;
  l.parallelism.sequence_parallel = true;
  l.recompute = workloads::Recompute::kSelective;
  const auto o = l.overrides();
  const std::vector<std::string> expected{"cluster.devices=16",
                                          "parallelism.data=4",
                                          "parallelism.expert=4",
                                          "parallelism.tensor=2",
                                          "parallelism.expert_tensor=2",
                                          "parallelism.pipeline=2",
                                          "parallelism.micro_batches=8",
                                          "parallelism.virtual_stages=2",
                                          "parallelism.zero=3",
                                          "parallelism.shard_weights=true",
                                          "parallelism.sequence_parallel=true",
                                          "training.recompute=selective",
                                          "simulation.overlap.ep_comm=false"};
  EXPECT_EQ(o, expected);
  EXPECT_EQ(l.label(), "TP2 PP2 EP4 DP4 mb8 v2 ZeRO-3 selective SP");
  EXPECT_EQ(l.short_label(true), "T2 P2 E4 D4 m8 v2 Z3 sel SP @16");
}

}  // namespace
}  // namespace moesim::plan
