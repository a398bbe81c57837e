// Row evaluation, table checks, suite and reports of the validation suite, on constructed simulation JSON.
#include "reports/validation/published_figure.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "reports/validation/validation_report.h"
#include "reports/validation/validation_suite.h"
#include "workloads/config_error.h"

namespace moesim::validation {
namespace {

namespace fs = std::filesystem;

PublishedFigure row(std::string metric, double published, double tolerance,
                    FigureKind kind = FigureKind::kTime) {
  PublishedFigure r;
  r.figure = "test-" + metric;
  r.source = "test paper";
  r.setup = "test set-up";
  r.scenario = "scenarios/x.yaml";
  r.metric = std::move(metric);
  r.published = published;
  r.tolerance = tolerance;
  r.kind = kind;
  return r;
}

nlohmann::json sim_result() {
  return {{"params_total", 1.162e12},
          {"step_time_s", 2.0},
          {"steps_per_s", 0.5},
          {"tokens_per_s", 626000.0},
          {"tokens_per_step", 1252000.0},
          {"devices", 16},
          {"model_flops_per_step", 3.2e16},
          {"flops_per_token_train", 1.0e9},
          {"steps_run", 1000.0},
          {"time_to_train_s", 86400.0 * 3},
          {"energy_mwh_run", 100.0},
          {"tco2e_run", nullptr}};
}

TEST(ValidationPredict, DirectKeys) {
  EXPECT_DOUBLE_EQ(predict_metric(row("params_total", 1.2e12, 0.1), sim_result()), 1.162e12);
  EXPECT_DOUBLE_EQ(predict_metric(row("steps_per_s", 0.72, 0.25), sim_result()), 0.5);
  EXPECT_DOUBLE_EQ(predict_metric(row("energy_mwh_run", 456, 0.25), sim_result()), 100.0);
}

TEST(ValidationPredict, DerivedMetrics) {
  const auto sim = sim_result();
  EXPECT_DOUBLE_EQ(predict_metric(row("time_to_train_days", 3, 0.25), sim), 3.0);
  EXPECT_DOUBLE_EQ(predict_metric(row("time_to_train_hours", 72, 0.25), sim), 72.0);
  auto ex = row("examples_per_s", 1000, 0.25);
  ex.tokens_per_example = 313;
  EXPECT_DOUBLE_EQ(predict_metric(ex, sim), 2000.0);
  // 3.2e16 FLOPs per 2 s on 16 chips = 1e15 FLOP/s per chip = 1000 TFLOP/s
  EXPECT_DOUBLE_EQ(predict_metric(row("tflops_per_chip", 1000, 0.25), sim), 1000.0);
  EXPECT_DOUBLE_EQ(predict_metric(row("total_train_flops", 1e18, 0.1, FigureKind::kFlops), sim),
                   1.0e9 * 1252000.0 * 1000.0);
}

TEST(ValidationPredict, MemoryMetricsReadTheDeviceBreakdownAndStayOutOfTheMean) {
  auto sim = sim_result();
  sim["param_state_bytes_per_device"] = 4.9e10;
  sim["memory_bytes_per_device"] = {{"activations", 1.3e10}, {"weights", 5e9}, {"total", 6.2e10}};
  const auto act = row("activation_bytes_per_device", 1.0e10, 0.10, FigureKind::kMemory);
  EXPECT_DOUBLE_EQ(predict_metric(act, sim), 1.3e10);
  EXPECT_DOUBLE_EQ(predict_metric(row("param_state_bytes_per_device", 5e10, 0.1, FigureKind::kMemory), sim),
                   4.9e10);
  EXPECT_DOUBLE_EQ(default_tolerance_limit(FigureKind::kMemory), 0.10);
  EXPECT_FALSE(is_time_or_energy(FigureKind::kMemory));
  EXPECT_EQ(to_string(FigureKind::kMemory), "memory");
  sim.erase("memory_bytes_per_device");
  EXPECT_THROW(predict_metric(act, sim, "table.yaml"), ConfigError);
}

TEST(ValidationPredict, MissingOrNullKeyIsAConfigErrorNamingTheRow) {
  try {
    predict_metric(row("tco2e_run", 40.2, 0.25, FigureKind::kCarbon), sim_result(), "table.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file(), "table.yaml");
    EXPECT_EQ(e.key(), "figures.test-tco2e_run.metric");
    EXPECT_NE(std::string(e.what()).find("total_tokens"), std::string::npos);
  }
  EXPECT_THROW(predict_metric(row("mfu", 0.3, 0.25), sim_result()), ConfigError);
  auto ex = row("examples_per_s", 1000, 0.25);  // no tokens_per_example
  EXPECT_THROW(predict_metric(ex, sim_result()), ConfigError);
}

TEST(ValidationEvaluate, ErrorAndToleranceBoundary) {
  const auto sim = sim_result();  // steps_per_s 0.5
  auto r = evaluate_figure(row("steps_per_s", 0.4, 0.25), sim);
  ASSERT_TRUE(r.error);
  EXPECT_NEAR(*r.error, 0.25, 1e-12);
  EXPECT_TRUE(r.pass);  // exactly at the tolerance
  r = evaluate_figure(row("steps_per_s", 0.39, 0.25), sim);
  EXPECT_FALSE(r.pass);  // +28%
  r = evaluate_figure(row("steps_per_s", 0.6, 0.25), sim);
  EXPECT_NEAR(*r.error, -0.1 / 0.6, 1e-12);
  EXPECT_TRUE(r.pass);  // -16.7% within ±25%
  r = evaluate_figure(row("steps_per_s", 0.6, 0.10), sim);
  EXPECT_FALSE(r.pass);  // -16.7% outside ±10%
  r = evaluate_figure(row("steps_per_s", 0.7, 0.25), sim);
  EXPECT_FALSE(r.pass);  // -28.6% outside ±25%
}

TEST(ValidationEvaluate, NotModelledRowHasNoPrediction) {
  auto nm = row("", 1.56, 0);
  nm.status = FigureStatus::kNotModelled;
  const auto r = evaluate_figure(nm, nlohmann::json::object());
  EXPECT_FALSE(r.predicted);
  EXPECT_FALSE(r.error);
  EXPECT_FALSE(r.pass);
}

// ------------------------------------------------------------------------------------------ table checks

class ValidationTable : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("moesim_validation_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& text) {
    const auto path = (dir_ / "figures.yaml").string();
    std::ofstream(path) << text;
    return path;
  }
  /// The ConfigError key of loading `text`, or "" when it loads.
  std::string error_key(const std::string& text) {
    try {
      load_published_figures(write(text));
    } catch (const ConfigError& e) {
      return e.key();
    }
    return "";
  }
  fs::path dir_;
};

const char* kGoodRow = R"(
  - figure: a
    source: paper T1
    setup: 16 chips
    scenario: scenarios/a.yaml
    metric: steps_per_s
    published: 0.72
    kind: throughput
    tolerance: 0.25
    fast: true
)";

TEST_F(ValidationTable, LoadsAGoodTable) {
  const auto rows = load_published_figures(write(std::string("figures:") + kGoodRow + R"(
  - figure: b
    source: paper T2
    published: 1.2T
    kind: count
    status: not-modelled
    explanation: no LSTM
)"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].metric, "steps_per_s");
  EXPECT_TRUE(rows[0].fast);
  EXPECT_EQ(rows[0].line, 2);
  EXPECT_DOUBLE_EQ(rows[1].published, 1.2e12);
  EXPECT_EQ(rows[1].status, FigureStatus::kNotModelled);
}

TEST_F(ValidationTable, RejectsBadRows) {
  const std::string head = "figures:";
  EXPECT_EQ(error_key(head + kGoodRow + "    colour: red\n"), "figures[0].colour");
  EXPECT_EQ(error_key("figures: []\n"), "figures");
  EXPECT_EQ(error_key("rows: 1\n"), "figures");
  EXPECT_EQ(error_key(head + kGoodRow + kGoodRow), "figures[1].figure");  // duplicate id
  std::string bad = head + kGoodRow;
  EXPECT_EQ(error_key(std::string(bad).replace(bad.find("steps_per_s"), 11, "speed")), "figures[0].metric");
  EXPECT_EQ(error_key(std::string(bad).replace(bad.find("throughput"), 10, "vibes")), "figures[0].kind");
  EXPECT_EQ(error_key(std::string(bad).replace(bad.find("0.25"), 4, "1.5")), "figures[0].tolerance");
  EXPECT_EQ(error_key(std::string(bad).replace(bad.find("0.72"), 4, "-1")), "figures[0].published");
  EXPECT_EQ(error_key(std::string(bad).replace(bad.find("    scenario"), 31, "")), "figures[0].scenario");
}

TEST_F(ValidationTable, WideToleranceNeedsAnArgument) {
  std::string t = std::string("figures:") + kGoodRow;
  t.replace(t.find("0.25"), 4, "0.40");
  EXPECT_EQ(error_key(t), "figures[0].tolerance");
  EXPECT_EQ(error_key(t + "    argument: the paper rounds to one digit\n"), "");
  std::string c = std::string("figures:") + kGoodRow;
  c.replace(c.find("throughput"), 10, "count");  // count: ±10% without an argument
  EXPECT_EQ(error_key(c), "figures[0].tolerance");
}

TEST_F(ValidationTable, NotModelledRowsNeedAnExplanationAndNoScenario) {
  const std::string nm = R"(figures:
  - figure: s
    source: Shazeer T1
    published: 1.56
    kind: throughput
    status: not-modelled
)";
  EXPECT_EQ(error_key(nm), "figures[0].explanation");
  EXPECT_EQ(error_key(nm + "    explanation: x\n    scenario: a.yaml\n"), "figures[0].scenario");
  EXPECT_EQ(error_key(nm + "    explanation: x\n    fast: true\n"), "figures[0].fast");
}

TEST_F(ValidationTable, ExamplesPerSecondNeedsTokensPerExample) {
  std::string t = std::string("figures:") + kGoodRow;
  t.replace(t.find("steps_per_s"), 11, "examples_per_s");
  EXPECT_EQ(error_key(t), "figures[0].tokens_per_example");
  EXPECT_EQ(error_key(t + "    tokens_per_example: 313\n"), "");
  EXPECT_EQ(error_key(std::string("figures:") + kGoodRow + "    tokens_per_example: 313\n"),
            "figures[0].tokens_per_example");
}

TEST(ValidationShippedTable, LoadsAndEveryScenarioExists) {
  const std::string table = default_table_path();
  const auto rows = load_published_figures(table);
  EXPECT_GE(rows.size(), 30u);
  int not_modelled = 0;
  for (const auto& r : rows) {
    if (r.status == FigureStatus::kNotModelled) {
      ++not_modelled;
      continue;
    }
    EXPECT_TRUE(fs::exists(fs::path(table).parent_path() / r.scenario)) << r.figure << ": " << r.scenario;
  }
  EXPECT_GE(not_modelled, 1);  // MLPerf's LoRA energy rows
  int shazeer = 0;             // Shazeer et al. 2017 (LSTM-MoE): all three evaluated since the LSTM presets
  for (const auto& r : rows)
    shazeer += r.figure.rfind("shazeer-", 0) == 0 && r.status == FigureStatus::kEvaluated;
  EXPECT_EQ(shazeer, 3);
}

// ------------------------------------------------------------------------------------------ suite, reports

TEST(ValidationSuite, SimulatesEachScenarioOnceAndResolvesPathsAgainstTheTable) {
  auto a = row("steps_per_s", 0.5, 0.25);
  auto b = row("energy_mwh_run", 100, 0.25, FigureKind::kEnergy);
  auto c = row("steps_per_s", 0.5, 0.25);
  c.figure = "test-override";
  c.overrides = {"model.capacity_factor=2.0"};
  auto nm = row("", 1.56, 0);
  nm.figure = "nm";
  nm.status = FigureStatus::kNotModelled;
  nm.scenario.clear();
  std::vector<std::string> calls;
  const auto results = run_suite({a, b, c, nm}, "/tmp/vt/published.yaml",
                                 [&](const std::string& path, const std::vector<std::string>& o) {
                                   calls.push_back(path + (o.empty() ? "" : " " + o[0]));
                                   return sim_result();
                                 });
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0], "/tmp/vt/scenarios/x.yaml");
  EXPECT_EQ(calls[1], "/tmp/vt/scenarios/x.yaml model.capacity_factor=2.0");
  ASSERT_EQ(results.size(), 4u);
  EXPECT_TRUE(results[0].pass && results[1].pass && results[2].pass);
  EXPECT_FALSE(results[3].predicted);
  EXPECT_TRUE(all_evaluated_pass(results));
}

TEST(ValidationSelect, FilterAndFast) {
  auto a = row("steps_per_s", 0.5, 0.25);
  a.figure = "gshard-600b";
  a.fast = true;
  auto b = row("steps_per_s", 0.5, 0.25);
  b.figure = "glam-energy";
  EXPECT_EQ(select_rows({a, b}, {"glam", false}).size(), 1u);
  EXPECT_EQ(select_rows({a, b}, {"test paper", false}).size(), 2u);  // matches the source
  EXPECT_EQ(select_rows({a, b}, {"", true}).size(), 1u);
  EXPECT_TRUE(select_rows({a, b}, {"nothing", false}).empty());
}

TEST(ValidationReports, JsonRowsMeanErrorAndMarkdown) {
  const auto sim = sim_result();
  std::vector<FigureResult> results = {
      evaluate_figure(row("steps_per_s", 0.4, 0.25, FigureKind::kThroughput), sim),  // +25%
      evaluate_figure(row("energy_mwh_run", 200, 0.25, FigureKind::kEnergy), sim),   // -50%, fails
      evaluate_figure(row("params_total", 1.2e12, 0.1, FigureKind::kCount), sim),    // not in MAE
  };
  auto carbon = row("energy_mwh_run", 50, 0.25, FigureKind::kCarbon);  // +100%, not in MAE
  results.push_back(evaluate_figure(carbon, sim));
  EXPECT_FALSE(all_evaluated_pass(results));
  const auto mae = mean_abs_error_time_energy(results);
  ASSERT_TRUE(mae);
  EXPECT_NEAR(*mae, (0.25 + 0.5) / 2, 1e-12);

  const auto j = results_json(results);
  ASSERT_EQ(j.size(), 4u);
  for (const char* k : {"figure", "source", "published", "predicted", "error", "tolerance", "pass"}) {
    EXPECT_TRUE(j[0].contains(k)) << k;
  }
  EXPECT_DOUBLE_EQ(j[1]["error"].get<double>(), -0.5);
  EXPECT_FALSE(j[1]["pass"].get<bool>());
  const auto doc = validation_document(results);
  EXPECT_EQ(doc["kind"], "moesim-validate");
  EXPECT_EQ(doc["rows"], j);
  EXPECT_EQ(doc["evaluated"], 4);
  EXPECT_EQ(doc["passed"], 2);
  EXPECT_FALSE(doc["all_pass"].get<bool>());

  std::ostringstream md, table;
  write_markdown(md, results);
  print_table(table, results);
  EXPECT_NE(md.str().find("| test-energy_mwh_run |"), std::string::npos);
  EXPECT_NE(md.str().find("37.5%"), std::string::npos);
  EXPECT_NE(table.str().find("FAIL"), std::string::npos);
  EXPECT_NE(table.str().find("2 of 4 evaluated"), std::string::npos);
}

TEST(ValidationReports, FormatValue) {
  EXPECT_EQ(format_value(1.2e12), "1.2T");
  EXPECT_EQ(format_value(96.6e9), "96.6G");
  EXPECT_EQ(format_value(456), "456");
  EXPECT_EQ(format_value(0.72), "0.72");
  EXPECT_EQ(format_value(3.14e23), "3.14e+23");
}

}  // namespace
}  // namespace moesim::validation
