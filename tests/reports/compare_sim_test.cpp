// End-to-end: `moesim compare` on the GLaM example with the real step simulation; the report's numbers are
// the simulation's numbers, and the dense layout is the shallowest pipeline that fits.
#include <gtest/gtest.h>

#include "report_test_support.h"
#include "reports/compare.h"
#include "reports/html_report.h"
#include "workloads/config_error.h"
#include "workloads/yaml_reader.h"

namespace moesim::reports {
namespace {

const std::string kGlam = std::string(MOESIM_SOURCE_DIR) + "/examples/glam-64b64e-tpuv4.yaml";

const nlohmann::json& glam_comparison() {
  static const nlohmann::json doc = [] {
    CompareOptions o;
    o.usd_per_accelerator_hour = 3.22;
    return run_comparison(kGlam, o);
  }();
  return doc;
}

TEST(RunComparison, GlamAgainstGpt3OnTheSameCluster) {
  const auto& doc = glam_comparison();
  const auto& moe = doc["moe"];
  const auto& dense = doc["dense"];
  EXPECT_EQ(moe["model"], "glam-64b-64e");
  EXPECT_EQ(dense["model"], "gpt3-175b");
  EXPECT_EQ(moe["devices"], dense["devices"]);
  EXPECT_EQ(moe["accelerator"], dense["accelerator"]);
  EXPECT_EQ(moe["tokens_per_step"], dense["tokens_per_step"]);  // same training budget
  EXPECT_EQ(doc["dense_parallelism"]["tensor"], 4);             // chips per TPU v4 host
  EXPECT_NEAR(dense["params_total"].get<double>(), 175e9, 2e9);
  EXPECT_LT(moe["flops_per_token_fwd"].get<double>(), dense["flops_per_token_fwd"].get<double>());
  for (const char* k : {"energy_mwh_run", "flops_per_token_fwd", "step_time_s", "cost_usd_run"})
    EXPECT_DOUBLE_EQ(doc["ratios"][k].get<double>(), moe[k].get<double>() / dense[k].get<double>()) << k;
  EXPECT_NEAR(moe["cost_usd_run"].get<double>(), moe["accelerator_hours_run"].get<double>() * 3.22,
              moe["cost_usd_run"].get<double>() * 1e-9);
}

TEST(RunComparison, DenseLayoutIsTheShallowestPipelineThatFits) {
  const auto& doc = glam_comparison();
  const int pipeline = doc["dense_parallelism"]["pipeline"];
  if (pipeline == 1) GTEST_SKIP() << "the dense model fits without pipelining: nothing shallower to try";
  const YAML::Node root = load_yaml_file(kGlam);
  const auto candidates = dense_layout_candidates(root, kGlam, "gpt3-175b", {});
  const auto shallower = std::find_if(candidates.begin(), candidates.end(),
                                      [&](const DenseLayout& l) { return l.pipeline == pipeline / 2; });
  ASSERT_NE(shallower, candidates.end());
  try {
    reports::simulate_scenario(dense_scenario(root, "gpt3-175b", *shallower), kGlam, {});
    FAIL() << "pipeline " << pipeline / 2 << " should not fit in HBM";
  } catch (const ConfigError& e) {
    EXPECT_TRUE(is_memory_fit_error(e)) << e.what();  // the error compare recognises as "does not fit"
  }
}

TEST(RunComparison, HtmlNumbersEqualTheSimulation) {
  const auto& doc = glam_comparison();
  const std::string html = compare_html(doc);
  EXPECT_EQ(test::xml_problem(html), "");
  int checked = 0;
  for (const auto& td : test::elements(html, "td")) {
    if (!td.attributes.count("data-value")) continue;
    const auto& result = doc.at(td.attributes.at("data-run"));
    EXPECT_EQ(std::stod(td.attributes.at("data-value")),
              result.at(td.attributes.at("data-key")).get<double>());
    ++checked;
  }
  EXPECT_GE(checked, 28);
  for (const char* s : {"network backend analytic", "moesim 0.1.0"})
    EXPECT_NE(html.find(s), std::string::npos) << s;
}

TEST(RunComparison, BadInputIsAConfigError) {
  CompareOptions o;
  o.against = "gpt-5";
  try {
    run_comparison(kGlam, o);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "--against");
  }
  o = CompareOptions{};
  o.usd_per_accelerator_hour = -1;
  EXPECT_THROW(run_comparison(kGlam, o), ConfigError);
}

TEST(RunComparison, TwoScenarioFilesAreEachSimulatedAsGiven) {
  const std::string glam = std::string(MOESIM_SOURCE_DIR) + "/examples/glam-64b64e-h100.yaml";
  const std::string gpt3 = std::string(MOESIM_SOURCE_DIR) + "/examples/gpt3-175b-h100.yaml";
  CompareOptions o;
  o.against = gpt3;
  o.overrides = {"training.total_tokens=100B"};
  const auto doc = run_comparison(glam, o);
  EXPECT_EQ(doc["against_kind"], "scenario");
  // Each side is its own file's simulation with the overrides, not a dense reference on A's cluster.
  for (const auto& [key, file] : {std::pair{"a", glam}, std::pair{"b", gpt3}}) {
    const auto alone = simulate_scenario_file(file, o.overrides, {});
    EXPECT_EQ(doc[key]["step_time_s"], alone["step_time_s"]) << key;
    EXPECT_EQ(doc[key]["devices"], alone["devices"]) << key;
    EXPECT_EQ(doc[key]["resolved_scenario"]["training"]["total_tokens"], "100B") << key;
  }
  EXPECT_EQ(doc["b"]["devices"], 1024);  // gpt3's own cluster, not glam's 512
  EXPECT_DOUBLE_EQ(doc["ratios"]["step_time_s"].get<double>(),
                   doc["a"]["step_time_s"].get<double>() / doc["b"]["step_time_s"].get<double>());
  o.layout.tensor = 8;
  try {
    run_comparison(glam, o);
    FAIL() << "a dense layout request makes no sense for a scenario file";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "--against-tensor");
  }
}

}  // namespace
}  // namespace moesim::reports
