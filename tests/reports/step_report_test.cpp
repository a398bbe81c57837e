// The step report (`simulate --report`): the timeline SVG drawn from the traced ops, the tables computed from
// the simulate JSON, a self-contained page, and the Markdown variant.
#include "reports/step_report.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "report_test_support.h"
#include "reports/report_units.h"
#include "reports/scenario_run.h"
#include "reports/step_tables.h"
#include "reports/svg_timeline.h"
#include "reports/tier_load.h"
#include "workloads/config_error.h"

namespace moesim::reports {
namespace {

const SimulationOutput& small_run() {
  static const SimulationOutput run = [] {
    sim::SimulateOptions o;
    o.keep_timeline = true;
    return run_scenario(YAML::Load(test::small_pipeline_moe_yaml()), "small.yaml", o);
  }();
  return run;
}

double attr(const test::Element& e, const std::string& name) {
  return std::stod(e.attributes.at(name));
}

TEST(StepReport, TimelineHasOneBarPerTracedOpAtItsTimes) {
  const auto& run = small_run();
  ASSERT_FALSE(run.timeline.empty());
  const std::string svg = render_timeline_svg(run.timeline, run.result["step_time_s"].get<double>());
  EXPECT_EQ(test::xml_problem(svg), "");
  std::vector<test::Element> bars;
  for (const auto& e : test::elements(svg, "rect"))
    if (e.attributes.count("class") && e.attributes.at("class") == "op") bars.push_back(e);
  ASSERT_EQ(bars.size(), run.timeline.size());
  std::set<std::string> ranks, streams;
  for (const auto& b : bars)
    ranks.insert(b.attributes.at("data-rank")), streams.insert(b.attributes.at("data-stream"));
  EXPECT_EQ(ranks, (std::set<std::string>{"5", "40", "63"}));
  EXPECT_TRUE(streams.count("compute") && streams.count("ep comm") && streams.count("pipeline p2p"));
  // x is affine in the start time and the width proportional to the duration (bars wider than the minimum).
  const test::Element* ref = nullptr;
  for (const auto& b : bars)
    if (attr(b, "width") > 5 && (!ref || attr(b, "data-start-s") > attr(*ref, "data-start-s"))) ref = &b;
  ASSERT_NE(ref, nullptr);
  const double px_per_s = attr(*ref, "width") / (attr(*ref, "data-end-s") - attr(*ref, "data-start-s"));
  for (const auto& b : bars) {
    const double start = attr(b, "data-start-s"), end = attr(b, "data-end-s");
    EXPECT_NEAR(attr(b, "x") - attr(*ref, "x"), (start - attr(*ref, "data-start-s")) * px_per_s, 0.01);
    EXPECT_NEAR(attr(b, "width"), std::max(0.5, (end - start) * px_per_s), 0.01);
  }
}

TEST(StepReport, CommunicationTooltipsNameBytesPeersAndAlgorithm) {
  const auto& run = small_run();
  const std::string svg = render_timeline_svg(run.timeline, run.result["step_time_s"].get<double>());
  bool seen = false;
  for (const auto& op : run.timeline) {
    if (op.category != sim::OpCategory::kA2aDispatch) continue;
    EXPECT_EQ(op.peers, 16) << "an all-to-all runs over the expert group";
    EXPECT_GT(op.bytes, 0);
    const std::string want =
        xml_escape(format_value(Measure::kBytes, op.bytes) + ", 16 peers, " + op.algorithm);
    EXPECT_NE(svg.find(want), std::string::npos) << want;
    seen = true;
    break;
  }
  EXPECT_TRUE(seen);
}

std::vector<TierLoadSeries> loads() {
  const auto& run = small_run();
  return tier_load_series(run.timeline, run.link_tiers, run.result["step_time_s"].get<double>());
}

TEST(StepReport, TablesAreComputedFromTheResult) {
  const auto& r = small_run().result;
  const auto tables = step_tables(r, loads());
  ASSERT_EQ(tables.size(), 7u);
  const double step = r["step_time_s"].get<double>();
  double shares = 0;
  for (const auto& row : tables[1].rows) {
    ASSERT_TRUE(row[1].value && row[2].value) << row[0].text;
    EXPECT_EQ(*row[1].value, *number_at(r, row[1].key));
    EXPECT_NEAR(*row[2].value, *row[1].value / step, 1e-12);
    shares += *row[2].value;
  }
  EXPECT_NEAR(shares, 1.0, 1e-6) << "the activities sum to the step";
  const auto& idle = tables[3];
  EXPECT_EQ(idle.id, "idle");
  const double idle_s = r["breakdown_s"]["idle_s"].get<double>();
  ASSERT_GT(idle_s, 0) << "two pipeline stages leave a bubble";
  EXPECT_NEAR(*idle.rows[0][3].value + *idle.rows[1][3].value, 1.0, 1e-6);
  EXPECT_EQ(tables[5].id, "links");
  EXPECT_EQ(tables[5].rows.size(), loads().size());
  EXPECT_NE(tables[5].note.find("is not shown"), std::string::npos);
  const auto& memory = tables[6];
  const double hbm = r["hbm_bytes"].get<double>();
  EXPECT_NEAR(*memory.rows[5][2].value, r["memory_bytes_per_device"]["total"].get<double>() / hbm, 1e-12);
}

TEST(StepReport, HtmlIsSelfContainedAndShowsTheResultsNumbers) {
  const auto& run = small_run();
  const std::string html = step_report_html(run);
  EXPECT_EQ(test::xml_problem(html), "");
  for (const char* external : {"src=", "href=", "url(", "@import", "https:"})
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  for (const char* chart : {"timeline", "breakdown", "exposed-idle", "memory", "a2a-tiers"})
    EXPECT_NE(html.find("data-chart=\"" + std::string(chart) + "\""), std::string::npos) << chart;
  std::size_t checked = 0;
  for (const auto& td : test::elements(html, "td")) {
    if (!td.attributes.count("data-key") || !td.attributes.count("data-value")) continue;
    const auto v = number_at(run.result, td.attributes.at("data-key"));
    const std::string key = td.attributes.at("data-key");
    const auto tier = key.rfind("a2a_bytes_per_tier.", 0) == 0
                          ? run.result["a2a_bytes_per_tier"][key.substr(19)]
                          : nlohmann::json();
    const double want = tier.is_number() ? tier.get<double>() : v.value_or(NAN);
    EXPECT_DOUBLE_EQ(std::stod(td.attributes.at("data-value")), want) << key;
    ++checked;
  }
  EXPECT_GT(checked, 20u);
}

TEST(StepReport, MarkdownHasTheSameTablesWithoutSvg) {
  const auto& run = small_run();
  const std::string md = step_report_markdown(run);
  EXPECT_EQ(md.find("<svg"), std::string::npos);
  for (const auto& t : step_tables(run.result, loads())) {
    EXPECT_NE(md.find("## " + t.title), std::string::npos) << t.title;
    for (const auto& row : t.rows)
      EXPECT_NE(md.find("| " + row[0].text + " | " + row[1].text + " |"), std::string::npos);
  }
}

TEST(StepReport, RejectsOtherExtensions) {
  EXPECT_THROW(check_step_report_path("step.pdf"), ConfigError);
  EXPECT_NO_THROW(check_step_report_path("step.md"));
  EXPECT_THROW(write_step_report("/nonexistent-dir/step.html", small_run()), ConfigError);
}

TEST(TierLoad, OverlappingCollectivesAddUpOnTheDevicesOwnLinks) {
  std::vector<sim::TimelineOp> ops(3);
  for (auto& op : ops) op.real_device = 7, op.category = sim::OpCategory::kA2aDispatch;
  ops[0].start_s = 0, ops[0].end_s = 2, ops[0].tier_busy_s = {1.0, 0.0, 5.0};
  ops[1].start_s = 1, ops[1].end_s = 3, ops[1].tier_busy_s = {1.0, 0.5, 5.0};
  ops[2].start_s = 3, ops[2].end_s = 4, ops[2].tier_busy_s = {};
  const auto series = tier_load_series(ops, {"nvlink", "nic", "spine"}, 4.0);
  ASSERT_EQ(series.size(), 2u) << "the spine is shared by the whole tier, not one device's";
  const auto& nvlink = series[0];
  EXPECT_EQ(nvlink.tier, "nvlink");
  EXPECT_EQ(nvlink.rank, 7);
  const std::vector<std::pair<double, double>> want = {{0, 0.5}, {1, 1.0}, {2, 0.5}, {3, 0}};
  ASSERT_EQ(nvlink.points.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_DOUBLE_EQ(nvlink.points[i].time_s, want[i].first);
    EXPECT_DOUBLE_EQ(nvlink.points[i].utilisation, want[i].second);
  }
  EXPECT_DOUBLE_EQ(nvlink.mean_utilisation, 0.5);
  EXPECT_EQ(series[1].tier, "nic");
  ASSERT_EQ(series[1].points.size(), 3u);
  EXPECT_DOUBLE_EQ(series[1].points[1].utilisation, 0.25);
  EXPECT_DOUBLE_EQ(series[1].mean_utilisation, 0.125);
}

TEST(TierLoad, TheSimulatedStepsLoadsIntegrateToTheBusyTimeOfEachRanksCollectives) {
  const auto& run = small_run();
  const double step = run.result["step_time_s"].get<double>();
  const auto series = loads();
  std::set<int> ranks;
  for (const auto& s : series) {
    ranks.insert(s.rank);
    const auto t = static_cast<std::size_t>(std::find(run.link_tiers.begin(), run.link_tiers.end(), s.tier) -
                                            run.link_tiers.begin());
    double busy = 0;
    for (const auto& op : run.timeline)
      if (op.real_device == s.rank && t < op.tier_busy_s.size()) busy += op.tier_busy_s[t];
    double integral = 0;
    for (std::size_t i = 0; i + 1 < s.points.size(); ++i)
      integral += s.points[i].utilisation * (s.points[i + 1].time_s - s.points[i].time_s);
    EXPECT_GT(busy, 0);
    EXPECT_NEAR(integral, busy, 1e-9 * busy) << s.rank << " " << s.tier;
    EXPECT_NEAR(s.mean_utilisation, busy / step, 1e-12);
    EXPECT_EQ(s.points.back().utilisation, 0);
  }
  EXPECT_EQ(ranks, (std::set<int>{5, 40, 63}));
}

}  // namespace
}  // namespace moesim::reports
