// The plan's renderings: the sentence on the winner is computed from the two breakdowns, records survive a
// JSON round trip, the HTML is well-formed and its charts hold the document's numbers.
#include <gtest/gtest.h>

#include "plan/plan_document.h"
#include "plan/plan_explain.h"
#include "plan/plan_html.h"
#include "plan/plan_json.h"
#include "plan_test_support.h"
#include "report_test_support.h"
#include "reports/report_units.h"

namespace moesim::plan {
namespace {

using sim::Activity;

LayoutOutcome outcome(int zero, double compute_s, double allreduce_s, double idle_s, double memory_gb) {
  LayoutOutcome o;
  o.ok = true;
  o.layout.devices = 16;
  o.layout.parallelism.data = 16;
  o.layout.parallelism.expert = 16;
  o.layout.parallelism.zero = zero;
  o.breakdown_s[static_cast<std::size_t>(Activity::kComputeBound)] = compute_s;
  o.breakdown_s[static_cast<std::size_t>(Activity::kAllReduce)] = allreduce_s;
  o.breakdown_s[static_cast<std::size_t>(Activity::kIdle)] = idle_s;
  o.step_time_s = compute_s + allreduce_s + idle_s;
  o.memory.weights_bytes = memory_gb * 1e9;
  o.energy_j_per_step = 1000 * o.step_time_s;
  o.cost_usd_per_step = 0.01 * o.step_time_s;
  return o;
}

TEST(PlanExplain, NamesTheDifferencesAndTheActivitiesThatMakeTheGap) {
  const auto best = outcome(1, 1.0, 0.1, 0.05, 60);
  const auto runner = outcome(3, 1.0, 0.4, 0.0, 40);
  const auto s = explain_best(best, runner, Objective::kTime);
  EXPECT_NE(s.find("by 17.9%"), std::string::npos) << s;  // (1.4 - 1.15) / 1.4 of the runner-up
  EXPECT_NE(s.find("1.150 s vs 1.400 s per step"), std::string::npos) << s;
  EXPECT_NE(s.find("differs in ZeRO 3 vs 1"), std::string::npos) << s;
  EXPECT_NE(s.find("+300.0 ms on exposed all-reduce"), std::string::npos) << s;
  EXPECT_NE(s.find("-50.00 ms idle"), std::string::npos) << s;
  EXPECT_EQ(s.find("on compute"), std::string::npos) << "no compute difference to mention: " << s;
  EXPECT_NE(s.find("60.00 GB vs 40.00 GB"), std::string::npos) << s;
  const auto e = explain_best(best, runner, Objective::kEnergy);
  EXPECT_NE(e.find("1.150 kJ vs 1.400 kJ per step; step time 1.150 s vs 1.400 s"), std::string::npos) << e;
  EXPECT_NE(explain_best(best, best, Objective::kTime).find("ties with"), std::string::npos);
}

TEST(PlanJson, OutcomesSurviveARoundTrip) {
  auto o = outcome(2, 0.7, 0.2, 0.1, 50);
  o.layout.parallelism.pipeline = 2;
  o.layout.parallelism.balance_stages = true;
  o.layout.parallelism.sequence_parallel = true;
  o.layout.recompute = workloads::Recompute::kSelective;
  o.mfu = 1.0 / 3.0;
  o.cost_usd_run = 12345.678;
  const auto back = outcome_from_json(nlohmann::json::parse(outcome_json(o).dump()), "test");
  EXPECT_TRUE(back.layout == o.layout);
  EXPECT_EQ(back.mfu, o.mfu);
  EXPECT_EQ(back.breakdown_s, o.breakdown_s);
  EXPECT_EQ(back.memory.total_bytes(), o.memory.total_bytes());
  EXPECT_EQ(back.cost_usd_run, o.cost_usd_run);
  EXPECT_FALSE(back.time_to_train_s);
  LayoutOutcome failed;
  failed.error_kind = "config";
  failed.error = "too big";
  const auto f = outcome_from_json(outcome_json(failed), "test");
  EXPECT_FALSE(f.ok);
  EXPECT_EQ(f.error, "too big");
  EXPECT_THROW(outcome_from_json(nlohmann::json{{"devices", 1}}, "test"), ConfigError);
}

TEST(PlanJson, FoldedLayoutsSurviveARoundTripAndOlderRecordsFollowTheTensorDegree) {
  auto o = outcome(0, 0.7, 0.2, 0.1, 50);
  o.layout.parallelism.tensor = 2;
  o.layout.parallelism.data = 8;
  o.layout.parallelism.expert_tensor = 1;
  auto j = nlohmann::json::parse(outcome_json(o).dump());
  EXPECT_EQ(j["parallelism"]["expert_tensor"], 1);
  EXPECT_TRUE(outcome_from_json(j, "test").layout == o.layout);
  // A record written before expert_tensor existed: each expert was split over the tensor ranks.
  j["parallelism"].erase("expert_tensor");
  EXPECT_EQ(outcome_from_json(j, "test").layout.parallelism.expert_tensor_degree(), 2);
}

TEST(PlanDocument, HtmlIsWellFormedAndItsChartsHoldTheNumbers) {
  const auto problem = test::problem_of_file(test::small_moe_path(),
                                             {"plan.max_micro_batches=2", "plan.max_virtual_stages=1"});
  SearchOptions options;
  const auto doc = plan_document(problem, search_layouts(problem, options), options);
  const auto& layouts = doc.at("layouts");
  ASSERT_GT(layouts.size(), 20u);
  EXPECT_EQ(doc.at("evaluated_layouts").get<std::size_t>(), layouts.size());
  EXPECT_EQ(layouts[0].at("rank"), 1);
  EXPECT_TRUE(layouts[0].at("pareto_time_memory").get<bool>()) << "the fastest layout is on the front";
  const auto html = plan_html(doc);
  EXPECT_EQ(reports::test::xml_problem(html), "");
  const auto points = reports::test::elements(html, "circle");
  std::size_t memory_points = 0, front = 0;
  for (const auto& c : points) {
    if (!c.attributes.count("data-y")) continue;
    ++memory_points;
    front += c.attributes.at("data-front") == "true";
  }
  EXPECT_EQ(memory_points, 2 * layouts.size()) << "every layout in both Pareto charts";
  std::size_t on_fronts = 0;
  for (const auto& l : layouts)
    on_fronts += l.at("pareto_time_memory").get<bool>() + l.at("pareto_time_energy").get<bool>();
  EXPECT_EQ(front, on_fronts);
  EXPECT_NE(html.find("data-chart=\"plan-pareto-memory\""), std::string::npos);
  EXPECT_NE(html.find("data-chart=\"plan-breakdown\""), std::string::npos);
  EXPECT_NE(html.find(reports::xml_escape(doc.at("best_vs_runner_up").get<std::string>())),
            std::string::npos);
  // The table's first row shows the best layout's exact step time.
  bool found = false;
  for (const auto& td : reports::test::elements(html, "td"))
    if (td.attributes.count("data-key") && td.attributes.at("data-key") == "step_time_s" &&
        td.attributes.at("data-run") == "1")
      found = std::stod(td.attributes.at("data-value")) == layouts[0].at("step_time_s").get<double>();
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace moesim::plan
