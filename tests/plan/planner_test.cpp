// The search: what it reports is what `moesim simulate` computes for the same layout, nothing that does not
// fit is reported, and forked workers, shards and one process agree.
#include <gtest/gtest.h>

#include <set>

#include "plan/layout_memory.h"
#include "plan/plan_document.h"
#include "plan/plan_json.h"
#include "plan_test_support.h"
#include "reports/scenario_run.h"
#include "sim/step/compute_setup.h"
#include "sim/step/memory_layout.h"
#include "sim/step/network_pricer.h"
#include "sim/step/step_builder.h"
#include "topologies/accelerator.h"
#include "topologies/topology_factory.h"
#include "workloads/config_error.h"

namespace moesim::plan {
namespace {

nlohmann::json run_plan(const PlanProblem& problem, int jobs = 1, reports::Shard shard = {}) {
  SearchOptions options;
  options.jobs = jobs;
  options.shard = shard;
  return plan_document(problem, search_layouts(problem, options), options);
}

const std::vector<std::string> kNarrow{"plan.max_micro_batches=2", "plan.max_virtual_stages=2"};

TEST(Planner, EveryReportedLayoutSimulatesToTheSameNumbers) {
  const auto problem = test::problem_of_file(test::small_moe_path());
  const auto doc = run_plan(problem);
  const auto& layouts = doc.at("layouts");
  ASSERT_GT(layouts.size(), 100u);
  // The top 10 and every 50th further down, each through the path of `moesim simulate --set ...`.
  std::size_t checked = 0;
  for (std::size_t i = 0; i < layouts.size(); i += (i < 10 ? 1 : 50)) {
    const auto& l = layouts[i];
    const Layout layout = layout_from_json(l, "doc");
    const auto r = reports::simulate_scenario_file(test::small_moe_path(), layout.overrides(), {});
    const std::string who = layout.label();
    EXPECT_EQ(l.at("step_time_s").get<double>(), r.at("step_time_s").get<double>()) << who;
    EXPECT_EQ(l.at("mfu").get<double>(), r.at("mfu").get<double>()) << who;
    EXPECT_EQ(l.at("memory_bytes_per_device").get<double>(),
              r.at("memory_bytes_per_device").at("total").get<double>())
        << who;
    EXPECT_EQ(l.at("energy_j_per_step").get<double>(), r.at("energy_j_per_step").get<double>()) << who;
    EXPECT_EQ(l.at("cost_usd_run").get<double>(), r.at("cost_usd_run").get<double>()) << who;
    EXPECT_EQ(l.at("exposed_s").at("all_to_all").get<double>(),
              r.at("breakdown_s").at("exposed_a2a_s").get<double>())
        << who;
    EXPECT_EQ(l.at("exposed_s").at("all_reduce").get<double>(),
              r.at("breakdown_s").at("exposed_allreduce_s").get<double>())
        << who;
    EXPECT_EQ(l.at("breakdown_s").at("idle_s").get<double>(), r.at("breakdown_s").at("idle_s").get<double>())
        << who;
    ++checked;
  }
  EXPECT_GE(checked, 20u);
  EXPECT_GT(doc.at("network_cache").at("hits").get<std::size_t>(),
            doc.at("network_cache").at("misses").get<std::size_t>())
      << "layouts of one cluster repeat most network demands";
}

TEST(Planner, OverlappedLayoutsSimulateToTheSameNumbersAndRoundTripThroughTheDocument) {
  const auto problem = test::problem_of_file(
      test::small_moe_path(),
      {"plan.ep_comm=both", "plan.recompute=none", "plan.zero=0", "plan.max_micro_batches=4"});
  const auto doc = run_plan(problem);
  std::size_t checked = 0;
  for (const auto& l : doc.at("layouts")) {
    if (!l.at("ep_comm").get<bool>()) continue;
    const Layout layout = layout_from_json(l, "doc");
    ASSERT_TRUE(layout.ep_comm);
    const auto r = reports::simulate_scenario_file(test::small_moe_path(), layout.overrides(), {});
    EXPECT_EQ(l.at("step_time_s").get<double>(), r.at("step_time_s").get<double>()) << layout.label();
    EXPECT_EQ(l.at("memory_bytes_per_device").get<double>(),
              r.at("memory_bytes_per_device").at("total").get<double>())
        << layout.label();
    if (++checked == 5) break;
  }
  EXPECT_EQ(checked, 5u);
}

TEST(Planner, ALayoutThatDoesNotFitNeverAppears) {
  const auto problem = test::problem_of_file(test::small_moe_path(), kNarrow);
  const auto doc = run_plan(problem);
  const double hbm = problem.hbm_bytes;
  std::set<std::string> reported;
  for (const auto& l : doc.at("layouts")) {
    EXPECT_LE(l.at("memory_bytes_per_device").get<double>(), hbm);
    reported.insert(layout_from_json(l, "doc").label());
  }
  EXPECT_EQ(doc.at("failed_layouts").get<std::size_t>(), 0u);
  const std::size_t pruned = doc.at("pruned_layouts").get<std::size_t>();
  ASSERT_GT(pruned, 50u);
  EXPECT_EQ(doc.at("candidate_layouts").get<std::size_t>(), pruned + reported.size());
  // Every valid layout that is not reported is one the simulation itself refuses for memory.
  const YamlMap root(problem.root, problem.file, "");
  std::size_t refused = 0;
  for (const auto& l : enumerate_layouts(problem.clusters.front(), root, problem.spec)) {
    if (reported.count(l.label())) continue;
    try {
      sim::simulate_step(apply_layout(problem.clusters.front(), l), {});
      ADD_FAILURE() << l.label() << " was pruned but the simulation accepts it";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("GB per device"), std::string::npos) << e.what();
      ++refused;
    }
  }
  EXPECT_EQ(refused, pruned);
}

TEST(Planner, ForkedWorkersGiveTheSameOutcomesAsOneProcess) {
  const auto problem = test::problem_of_file(test::small_moe_path(), kNarrow);
  auto one = run_plan(problem, 1), two = run_plan(problem, 2), three = run_plan(problem, 3);
  ASSERT_GT(one.at("layouts").size(), 50u);
  for (auto* doc : {&one, &two, &three})  // the only field that may differ: how long each simulation took
    for (auto& l : doc->at("layouts")) l.erase("simulator_wall_s");
  EXPECT_EQ(one.at("layouts"), two.at("layouts"));
  EXPECT_EQ(one.at("layouts"), three.at("layouts"));
  EXPECT_EQ(one.at("best_vs_runner_up"), two.at("best_vs_runner_up"));
}

TEST(Planner, ShardsMergeIntoTheWholePlan) {
  const auto problem = test::problem_of_file(test::small_moe_path(), kNarrow);
  const auto whole = run_plan(problem);
  std::vector<nlohmann::json> parts;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < 3; ++i) {
    parts.push_back(run_plan(problem, 1, {i, 3}));
    names.push_back("shard-" + std::to_string(i));
    EXPECT_LT(parts.back().at("layouts").size(), whole.at("layouts").size());
  }
  const auto merged = merge_plan_documents(parts, names);
  for (const char* key : {"candidate_layouts", "pruned_layouts", "evaluated_layouts", "best_vs_runner_up"})
    EXPECT_EQ(merged.at(key), whole.at(key)) << key;
  EXPECT_EQ(merged.at("missing_shards").size(), 0u);
  ASSERT_EQ(merged.at("layouts").size(), whole.at("layouts").size());
  for (std::size_t i = 0; i < whole.at("layouts").size(); ++i) {
    auto a = merged.at("layouts")[i], b = whole.at("layouts")[i];
    a.erase("simulator_wall_s");
    b.erase("simulator_wall_s");
    EXPECT_EQ(a, b) << i;
  }
  // Two shards of different plans do not merge; a missing shard is reported.
  auto other = parts[1];
  other["objective"] = "energy";
  EXPECT_THROW(merge_plan_documents({parts[0], other}, {"a", "b"}), ConfigError);
  EXPECT_EQ(merge_plan_documents({parts[0], parts[2]}, {"a", "c"}).at("missing_shards"), nlohmann::json({1}));
}

TEST(Planner, CostAndEnergyObjectivesRankByTheirValues) {
  for (const char* objective : {"cost", "energy"}) {
    const auto problem = test::problem_of_file(
        test::small_moe_path(), {"plan.max_micro_batches=2", "plan.max_virtual_stages=1",
                                 std::string("plan.objective=") + objective, "plan.devices=[8, 16]"});
    const auto doc = run_plan(problem);
    const auto& layouts = doc.at("layouts");
    ASSERT_GT(layouts.size(), 10u);
    std::set<std::int64_t> sizes;
    for (std::size_t i = 0; i < layouts.size(); ++i) {
      sizes.insert(layouts[i].at("devices").get<std::int64_t>());
      const double v = std::string(objective) == "cost" ? layouts[i].at("cost_usd_per_step").get<double>()
                                                        : layouts[i].at("energy_j_per_step").get<double>();
      EXPECT_EQ(layouts[i].at("objective_value").get<double>(), v);
      if (i > 0) {
        EXPECT_LE(layouts[i - 1].at("objective_value").get<double>(), v);
      }
    }
    EXPECT_EQ(sizes, (std::set<std::int64_t>{8, 16})) << "both cluster sizes were planned";
  }
}

TEST(Planner, DemandCacheAnswersWhatThePricerComputes) {
  const auto problem = test::problem_of_file(test::small_moe_path());
  auto scenario = problem.clusters.front();
  scenario.run.parallelism.data = 8;
  scenario.run.parallelism.tensor = 2;
  scenario.run.parallelism.expert = 4;
  scenario.run.parallelism.zero = 3;
  const auto& run = scenario.run;
  const auto accounting = workloads::account_model(run.model, {run.training.sequence_length, 2});
  const auto compute = sim::make_compute(topologies::find_accelerator(scenario.cluster.accelerator),
                                         scenario.run, scenario.lines);
  const auto step = sim::build_step(
      run, accounting, compute,
      sim::routing_draws(run, accounting,
                         scenario.cluster.device_count() / std::max(1, scenario.cluster.node_count())));
  const auto topology = topologies::make_topology(scenario.cluster);
  network::BackendOptions options;
  options.keep_link_bytes = true;
  const auto backend = network::make_backend(network::BackendKind::kAnalytic, *topology, options);
  const auto direct = sim::price_demands(step, run, *topology, *backend);
  DemandCache cache;
  for (std::size_t pass = 0; pass < 2; ++pass) {
    const auto cached = cache.price(step, run, *topology, *backend);
    ASSERT_EQ(cached.size(), direct.size());
    for (std::size_t i = 0; i < direct.size(); ++i) {
      EXPECT_EQ(cached[i].time_s, direct[i].time_s) << i;
      EXPECT_EQ(cached[i].latency_s, direct[i].latency_s) << i;
      EXPECT_EQ(cached[i].tier_busy_s, direct[i].tier_busy_s) << i;
      EXPECT_EQ(cached[i].tier_bytes, direct[i].tier_bytes) << i;
      EXPECT_EQ(cached[i].busiest_link, direct[i].busiest_link) << i;
    }
    // The first pass prices each distinct demand once, the second answers every demand from memory.
    EXPECT_EQ(cache.stats().hits + cache.stats().misses, (pass + 1) * direct.size());
    EXPECT_LE(cache.stats().misses, direct.size());
  }
  EXPECT_GT(cache.stats().misses, 0u);
  EXPECT_GE(cache.stats().hits, direct.size());
}

}  // namespace
}  // namespace moesim::plan
