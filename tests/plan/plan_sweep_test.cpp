// On a small case, an exhaustive `moesim sweep` over the parallelism keys (a cartesian product, most of
// its points invalid or out of memory, one process each) and `moesim plan` agree on the best layout, and on
// every layout both simulate.
#include <gtest/gtest.h>

#include <iostream>
#include <map>

#include "plan/plan_document.h"
#include "plan/plan_json.h"
#include "plan_test_support.h"
#include "reports/scenario_run.h"
#include "reports/sweep_runner.h"
#include "workloads/scenario_overrides.h"
#include "workloads/yaml_reader.h"

namespace moesim::plan {
namespace {

TEST(PlanVersusSweep, AgreeOnTheBestLayoutOfASmallCase) {
  const std::string path = test::small_moe_path();
  const auto axes = reports::parse_sweep_axes({"parallelism.tensor=1,2", "parallelism.pipeline=1,2",
                                               "parallelism.data=4,8,16", "parallelism.expert=1,2,4,8,16",
                                               "parallelism.micro_batches=1,2", "parallelism.zero=0,3",
                                               "training.recompute=none,full"});
  std::vector<reports::SweepPoint> points;
  for (std::size_t i = 0; i < reports::grid_size(axes); ++i) points.push_back(reports::grid_point(axes, i));
  const YAML::Node base = load_yaml_file(path);
  reports::SweepRunOptions run_options;
  run_options.jobs = 2;
  const auto records = reports::run_sweep_points(
                           points,
                           [&](const reports::SweepPoint& p) {
                             return reports::simulate_scenario(
                                 workloads::apply_overrides(base, p.overrides(), path), path, {});
                           },
                           run_options)
                           .records;

  // The sweep's view: layout label -> step time of every point that ran.
  std::map<std::string, double> swept;
  std::string best_label;
  double best = 0;
  std::size_t config_errors = 0;
  for (const auto& r : records) {
    if (!r.value("ok", false)) {
      EXPECT_EQ(r.value("error_kind", ""), "config") << r.dump();
      ++config_errors;
      continue;
    }
    const auto& p = r.at("result").at("parallelism");
    Layout l;
    l.devices = 16;
    l.parallelism.data = p.at("data");
    l.parallelism.expert = p.at("expert");
    l.parallelism.tensor = p.at("tensor");
    l.parallelism.pipeline = p.at("pipeline");
    l.parallelism.micro_batches = p.at("micro_batches");
    std::map<std::string, std::string> s;
    for (const auto& kv : r.at("settings")) s[kv[0].get<std::string>()] = kv[1].get<std::string>();
    l.parallelism.zero = std::stoi(s.at("parallelism.zero"));
    l.recompute =
        s.at("training.recompute") == "full" ? workloads::Recompute::kFull : workloads::Recompute::kNone;
    const double t = r.at("result").at("step_time_s").get<double>();
    swept[l.label()] = t;
    if (best_label.empty() || t < best) best = t, best_label = l.label();
  }
  ASSERT_GT(swept.size(), 20u);
  EXPECT_GT(config_errors, swept.size()) << "most points of a cartesian product are invalid or do not fit";

  const auto problem = test::problem_of_file(
      path, {"plan.max_tensor=2", "plan.max_pipeline=2", "plan.max_micro_batches=2", "plan.virtual_stages=1",
             "plan.zero=[0, 3]", "plan.recompute=[none, full]", "plan.sequence_parallel=false",
             "plan.expert_tensor=tensor"});  // the sweep's grid has no folded layouts
  SearchOptions options;
  const auto doc = plan_document(problem, search_layouts(problem, options), options);
  const auto& layouts = doc.at("layouts");
  ASSERT_FALSE(layouts.empty());
  EXPECT_EQ(layout_from_json(layouts[0], "plan").label(), best_label);
  EXPECT_EQ(layouts[0].at("step_time_s").get<double>(), best);
  std::cout << "sweep: " << records.size() << " points, " << swept.size() << " ran, " << config_errors
            << " refused; best " << best_label << " at " << best
            << " s; plan: " << doc.at("candidate_layouts") << " valid layouts, " << doc.at("pruned_layouts")
            << " pruned, " << layouts.size() << " simulated, best "
            << layouts[0].at("label").get<std::string>() << "\n";
  // The same set of layouts, with the same step times.
  EXPECT_EQ(layouts.size(), swept.size());
  for (const auto& l : layouts) {
    const auto label = layout_from_json(l, "plan").label();
    ASSERT_TRUE(swept.count(label)) << label << " planned but not in the sweep";
    EXPECT_EQ(l.at("step_time_s").get<double>(), swept.at(label)) << label;
  }
}

}  // namespace
}  // namespace moesim::plan
