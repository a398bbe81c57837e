// The step report (`simulate --report`): the timeline SVG drawn from the traced ops, the tables computed from
// the simulate JSON, a self-contained page, and the Markdown variant.
#include "reports/step_report.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <set>

#include "report_test_support.h"
#include "reports/report_units.h"
#include "reports/scenario_run.h"
#include "reports/step_tables.h"
#include "reports/svg_timeline.h"
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

TEST(StepReport, TablesAreComputedFromTheResult) {
  const auto& r = small_run().result;
  const auto tables = step_tables(r);
  ASSERT_EQ(tables.size(), 6u);
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
  EXPECT_NE(tables[4].note.find("per tier is not shown"), std::string::npos);
  const auto& memory = tables[5];
  const double hbm = r["hbm_bytes"].get<double>();
  EXPECT_NEAR(*memory.rows[5][2].value, r["memory_bytes_per_device"]["total"].get<double>() / hbm, 1e-12);
}

TEST(StepReport, HtmlIsSelfContainedAndShowsTheResultsNumbers) {
  const auto& run = small_run();
  const std::string html = step_report_html(run.result, run.timeline);
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
  const std::string md = step_report_markdown(run.result, run.timeline);
  EXPECT_EQ(md.find("<svg"), std::string::npos);
  for (const auto& t : step_tables(run.result)) {
    EXPECT_NE(md.find("## " + t.title), std::string::npos) << t.title;
    for (const auto& row : t.rows)
      EXPECT_NE(md.find("| " + row[0].text + " | " + row[1].text + " |"), std::string::npos);
  }
}

TEST(StepReport, RejectsOtherExtensions) {
  EXPECT_THROW(check_step_report_path("step.pdf"), ConfigError);
  EXPECT_NO_THROW(check_step_report_path("step.md"));
  EXPECT_THROW(write_step_report("/nonexistent-dir/step.html", small_run().result, {}), ConfigError);
}

}  // namespace
}  // namespace moesim::reports
