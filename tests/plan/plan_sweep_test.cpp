// On a small case, an exhaustive `moesim sweep` over the parallelism keys (a cartesian product, most of
// its points invalid or out of memory, one process each) and `moesim plan` agree on the best layout, and on
// every layout both simulate.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "plan/plan_document.h"
#include "plan/plan_json.h"
#include "plan_test_support.h"
#include "reports/scenario_run.h"
#include "reports/sweep_runner.h"
#include "workloads/scenario_overrides.h"
#include "workloads/yaml_reader.h"

namespace moesim::plan {
namespace {

/// Runs the sweep over `axes` (every point one scenario) and the plan of the same scenario with `plan_sets`,
/// and checks that they agree on the best layout and on every layout both simulate; returns the labels run.
std::set<std::string> expect_plan_matches_sweep(const std::vector<std::string>& axes_text,
                                                const std::vector<std::string>& plan_sets,
                                                std::size_t min_ran) {
  const std::string path = test::small_moe_path();
  const auto axes = reports::parse_sweep_axes(axes_text);
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
    l.parallelism.expert_tensor = p.at("expert_tensor");
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
  EXPECT_GE(swept.size(), min_ran);
  EXPECT_GT(config_errors, swept.size()) << "most points of a cartesian product are invalid or do not fit";

  const auto problem = test::problem_of_file(path, plan_sets);
  SearchOptions options;
  const auto doc = plan_document(problem, search_layouts(problem, options), options);
  const auto& layouts = doc.at("layouts");
  std::set<std::string> labels;
  for (const auto& [label, t] : swept) labels.insert(label);
  if (layouts.empty()) {
    ADD_FAILURE() << "the plan simulated nothing";
    return labels;
  }
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
    EXPECT_TRUE(swept.count(label)) << label << " planned but not in the sweep";
    if (swept.count(label)) {
      EXPECT_EQ(l.at("step_time_s").get<double>(), swept.at(label)) << label;
    }
  }
  return labels;
}

TEST(PlanVersusSweep, AgreeOnTheBestLayoutOfASmallCase) {
  expect_plan_matches_sweep({"parallelism.tensor=1,2", "parallelism.pipeline=1,2", "parallelism.data=4,8,16",
                             "parallelism.expert=1,2,4,8,16", "parallelism.micro_batches=1,2",
                             "parallelism.zero=0,3", "training.recompute=none,full"},
                            {"plan.max_tensor=2", "plan.max_pipeline=2", "plan.max_micro_batches=2",
                             "plan.virtual_stages=1", "plan.zero=[0, 3]", "plan.recompute=[none, full]",
                             "plan.sequence_parallel=false", "plan.expert_tensor=tensor"},
                            20);
}

TEST(PlanVersusSweep, AgreeOnFoldedExpertGroups) {
  // expert_tensor 1 everywhere: with tensor > 1 the expert group may take tensor ranks (expert up to
  // tensor x data), with tensor 1 it is the classic layout.
  expect_plan_matches_sweep(
      {"parallelism.tensor=1,2,4,8", "parallelism.data=2,4,8,16", "parallelism.expert=1,2,4,8,16",
       "parallelism.expert_tensor=1", "parallelism.micro_batches=1,2", "parallelism.zero=0,3",
       "training.recompute=none"},
      {"plan.pipeline=1", "plan.max_micro_batches=2", "plan.virtual_stages=1", "plan.zero=[0, 3]",
       "plan.recompute=none", "plan.sequence_parallel=false", "plan.expert_tensor=1"},
      20);
}

}  // namespace
}  // namespace moesim::plan
