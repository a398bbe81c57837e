// Tests of the comparison document and its Markdown, HTML, CSV and JSON renderings.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "report_test_support.h"
#include "reports/comparison.h"
#include "reports/csv_writer.h"
#include "reports/html_report.h"
#include "reports/markdown_report.h"
#include "reports/report_writer.h"
#include "workloads/config_error.h"

namespace moesim::reports {
namespace {

nlohmann::json sample_comparison() {
  DenseLayout layout{32, 4, 8, 32, "Dense layout: rule text"};
  return make_comparison(test::sample_result("glam-64b-64e", 1.0, true),
                         test::sample_result("gpt3-175b", 2.5, false), "gpt3-175b", layout);
}

TEST(Comparison, RatiosDivideTheTwoResults) {
  const auto doc = sample_comparison();
  EXPECT_EQ(doc["kind"], "moesim-compare");
  EXPECT_DOUBLE_EQ(doc["ratios"]["flops_per_token_fwd"].get<double>(), 1.8e11 / 3.5e11);
  EXPECT_DOUBLE_EQ(doc["ratios"]["step_time_s"].get<double>(), 1.0 / 2.5);
  EXPECT_TRUE(doc["ratios"]["cost_usd_run"].is_null());  // no price in either run
  EXPECT_EQ(doc["dense_parallelism"]["pipeline"], 8);
  EXPECT_EQ(doc["dense_parallelism"]["expert"], 1);
}

TEST(CompareMarkdown, HasEveryFigureWithUnitsAndProvenance) {
  const std::string md = compare_markdown(sample_comparison());
  for (const auto& m : comparison_metrics())
    EXPECT_NE(md.find("| " + m.label + " |"), std::string::npos) << m.label;
  EXPECT_NE(md.find("| FLOPs per token, inference (forward) | 180.0 GFLOPs | 350.0 GFLOPs | 0.514× |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| Step time | 1.250 s | 3.125 s | 0.400× |"), std::string::npos) << md;
  EXPECT_NE(md.find("| Cost of the run | n/a | n/a | n/a |"), std::string::npos);
  EXPECT_NE(md.find("moesim 0.1.0, network backend analytic, compute model roofline"), std::string::npos);
  EXPECT_NE(md.find("| ici | 2.900 TB | 0 GB |"), std::string::npos) << md;  // the dense run has no ici bytes
  EXPECT_NE(md.find("Dense layout: rule text"), std::string::npos);
}

/// The value (in the JSON's unit) written in a display string such as "1.250 s", "180.0 GFLOPs",
/// "1.535 M tokens/s": the number times its unit's factor, independent of the formatter's code.
double displayed_value(const std::string& text) {
  static const std::map<std::string, double> kFactor{{"ms", 1e-3},
                                                     {"s", 1},
                                                     {"h", 3600},
                                                     {"days", 86400},
                                                     {"GFLOPs", 1e9},
                                                     {"B", 1e9},
                                                     {"M tokens", 1e6},
                                                     {"M tokens/s", 1e6},
                                                     {"k tokens/s", 1e3},
                                                     {"tokens/s", 1},
                                                     {"%", 0.01},
                                                     {"MJ", 1e6},
                                                     {"kJ", 1e3},
                                                     {"J", 1},
                                                     {"MB", 1e6},
                                                     {"M", 1e6},
                                                     {"MFLOPs", 1e6},
                                                     {"GB", 1e9},
                                                     {"TB", 1e12},
                                                     {"MWh", 1},
                                                     {"tCO2e", 1},
                                                     {"USD", 1},
                                                     {"accelerator-h", 1},
                                                     {"k accelerator-h", 1e3},
                                                     {"M accelerator-h", 1e6},
                                                     {"k USD", 1e3},
                                                     {"M USD", 1e6}};
  std::size_t used = 0;
  const double number = std::stod(text, &used);
  const std::string unit = text.substr(used + 1);
  const auto it = kFactor.find(unit);
  if (it == kFactor.end()) ADD_FAILURE() << "unexpected unit '" << unit << "' in '" << text << "'";
  return it == kFactor.end() ? NAN : number * it->second;
}

TEST(CompareHtml, WellFormedWithFourCharts) {
  const std::string html = compare_html(sample_comparison());
  EXPECT_EQ(test::xml_problem(html), "");
  std::set<std::string> charts;
  for (const auto& e : test::elements(html, "svg")) charts.insert(e.attributes.at("data-chart"));
  EXPECT_EQ(charts, (std::set<std::string>{"breakdown", "a2a-tiers", "energy", "flops"}));
  // Self-contained: nothing fetched from elsewhere.
  for (const char* s : {"src=", "href=", "@import", "url(", "<link"})
    EXPECT_EQ(html.find(s), std::string::npos) << s;
}

TEST(CompareHtml, TableNumbersAreTheSimulationsNumbers) {
  const auto doc = sample_comparison();
  const std::string html = compare_html(doc);
  int checked = 0;
  for (const auto& td : test::elements(html, "td")) {
    if (!td.attributes.count("data-key") || td.attributes.at("data-run") == "ratio") continue;
    const std::string key = td.attributes.at("data-key"), run = td.attributes.at("data-run");
    const auto& result = doc.at(run);
    if (!td.attributes.count("data-value")) {
      EXPECT_TRUE(!result.contains(key) || result[key].is_null()) << key;
      EXPECT_EQ(td.text, "n/a");
      continue;
    }
    const double exact = std::stod(td.attributes.at("data-value"));
    EXPECT_EQ(exact, result.at(key).get<double>()) << key;  // exact, round-tripped
    // The displayed number is the same value in its display unit, to its 4 significant digits.
    EXPECT_NEAR(displayed_value(td.text), exact, std::fabs(exact) * 1e-3 + 1e-12) << key << ": " << td.text;
    ++checked;
  }
  EXPECT_EQ(checked, 2 * 14);  // 15 figures × 2 runs, less the two missing costs
}

TEST(CompareHtml, EmbedsTheDocumentAsJson) {
  const auto doc = sample_comparison();
  const std::string html = compare_html(doc);
  const std::string embedded =
      test::between(html, "<script type=\"application/json\" id=\"moesim-data\">", "</script>");
  ASSERT_FALSE(embedded.empty());
  EXPECT_EQ(embedded.find('<'), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(embedded), doc);
}

TEST(CompareHtml, ChartValuesAreTheSimulationsValues) {
  const auto doc = sample_comparison();
  const std::string html = compare_html(doc);
  std::vector<double> energy;
  std::size_t at = html.find("data-chart=\"energy\"");
  ASSERT_NE(at, std::string::npos);
  for (const auto& r : test::elements(html.substr(at, html.find("</svg>", at) - at), "rect"))
    if (r.attributes.count("data-value")) energy.push_back(std::stod(r.attributes.at("data-value")));
  EXPECT_EQ(energy, (std::vector<double>{doc["moe"]["energy_mwh_run"].get<double>(),
                                         doc["dense"]["energy_mwh_run"].get<double>()}));
}

TEST(CompareHtml, MissingOptionalKeysShowAsNotAvailable) {
  auto moe = test::sample_result("m", 1, true), dense = test::sample_result("d", 2, false);
  for (auto* r : {&moe, &dense})
    for (const char* k : {"energy_mwh_run", "tco2e_run", "time_to_train_s", "accelerator_hours_run",
                          "busiest_link", "routing"})
      r->erase(k);
  const auto doc = make_comparison(moe, dense, "d", DenseLayout{});
  const std::string html = compare_html(doc);
  EXPECT_EQ(test::xml_problem(html), "");
  EXPECT_NE(html.find("Energy of one step"), std::string::npos);  // falls back to energy per step
  EXPECT_TRUE(doc["ratios"]["energy_mwh_run"].is_null());
  EXPECT_NE(compare_markdown(doc).find("| Energy of the run | n/a | n/a | n/a |"), std::string::npos);
}

TEST(CompareCsv, ColumnsAndRawValues) {
  const auto doc = sample_comparison();
  std::istringstream in(compare_csv(doc));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "metric,label,unit,moe,dense,moe_over_dense");
  std::map<std::string, std::vector<std::string>> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> f{""};  // RFC 4180 fields: commas inside quotes, "" for a quote
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        f.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        f.emplace_back();
      } else {
        f.back() += c;
      }
    }
    ASSERT_EQ(f.size(), 6u) << line;
    rows[f[0]] = f;
  }
  EXPECT_EQ(rows["step_time_s"][2], "s");
  EXPECT_EQ(std::stod(rows["step_time_s"][3]), 1.25);
  EXPECT_EQ(std::stod(rows["step_time_s"][5]), 0.4);
  EXPECT_EQ(rows["cost_usd_run"][3], "");
  EXPECT_EQ(std::stod(rows["a2a_bytes_per_tier.ici"][3]), 2.9e12);
  EXPECT_EQ(std::stod(rows["breakdown_s.compute_s"][4]), 0.8 * 2.5);
}

TEST(CsvLine, QuotesWhereNeeded) {
  EXPECT_EQ(csv_line({"a", "b,c", "say \"hi\""}), "a,\"b,c\",\"say \"\"hi\"\"\"\n");
}

TEST(ReportWriter, FormatFromExtensionAndErrors) {
  const auto doc = sample_comparison();
  auto written = nlohmann::json::parse(render_report("x.json", doc, "--json"));
  EXPECT_EQ(written.at("schema_version"), 2);
  written.erase("schema_version");
  EXPECT_EQ(written, doc);
  EXPECT_EQ(render_report("x.md", doc, "--report"), compare_markdown(doc));
  EXPECT_EQ(render_report("x.htm", doc, "--report"), compare_html(doc));
  EXPECT_THROW(render_report("x.pdf", doc, "--report"), ConfigError);
  try {
    write_report("/nonexistent-dir/x.md", doc, "--report");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "--report");
  }
}

/// Two scenario files: an MoE one and a dense one, each with its own cluster and name.
nlohmann::json scenario_comparison() {
  auto a = test::sample_result("glam-64b-64e", 1.0, true);
  a["scenario"] = "glam-64b64e-h100";
  a["scenario_file"] = "examples/glam-64b64e-h100.yaml";
  a["cluster"] = "dgx-h100-superpod (modified)";
  auto b = test::sample_result("gpt3-175b", 4.0, false);
  b["scenario"] = "gpt3-baseline";
  b["scenario_file"] = "examples/gpt3-175b-h100.yaml";
  b["cluster"] = "custom";
  b["devices"] = 256;
  return make_scenario_comparison(a, b, "examples/gpt3-175b-h100.yaml");
}

TEST(ScenarioComparison, SidesAreLabelledWithTheScenarios) {
  const auto doc = scenario_comparison();
  EXPECT_EQ(doc["against_kind"], "scenario");
  EXPECT_FALSE(doc.contains("moe"));
  const auto sides = compare_sides(doc);
  EXPECT_EQ(sides[0].key, "a");
  EXPECT_EQ(sides[0].label, "A: glam-64b64e-h100");                     // named after its file
  EXPECT_EQ(sides[1].label, "B: gpt3-baseline (gpt3-175b-h100.yaml)");  // not: the file is shown
  EXPECT_EQ(sides[1].result, &doc.at("b"));
  EXPECT_DOUBLE_EQ(doc["ratios"]["step_time_s"].get<double>(), 1.0 / 4.0);
  EXPECT_EQ(doc["sides"][1]["cluster"], "gpt3-baseline's cluster (256 × tpuv4)");
}

TEST(ScenarioComparison, EveryFormatUsesTheLabels) {
  const auto doc = scenario_comparison();
  const std::string md = compare_markdown(doc);
  EXPECT_NE(md.find("| Figure | A: glam-64b64e-h100 | B: gpt3-baseline (gpt3-175b-h100.yaml) | A / B |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| Step time | 1.250 s | 5.000 s | 0.250× |"), std::string::npos) << md;
  EXPECT_NE(md.find("dgx-h100-superpod (modified)"), std::string::npos);
  EXPECT_EQ(md.find("custom"), std::string::npos) << md;
  EXPECT_EQ(md.find("Dense reference"), std::string::npos);
  const std::string html = compare_html(doc);
  EXPECT_EQ(test::xml_problem(html), "");
  EXPECT_NE(html.find("<th>A / B</th>"), std::string::npos);
  EXPECT_NE(html.find("data-run=\"b\""), std::string::npos);
  EXPECT_EQ(html.find(">custom<"), std::string::npos);
  const std::string csv = compare_csv(doc);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "metric,label,unit,a,b,a_over_b");
}

TEST(ScenarioComparison, PresetDocumentsKeepTheirKeysAndLabels) {
  const auto doc = sample_comparison();
  EXPECT_EQ(doc["against_kind"], "preset");
  const auto sides = compare_sides(doc);
  EXPECT_EQ(sides[0].label, "MoE: glam-64b-64e");
  EXPECT_EQ(sides[1].label, "Dense: gpt3-175b");
  EXPECT_EQ(ratio_label(doc), "MoE / dense");
  nlohmann::json old = doc;  // a document written before `sides` existed
  old.erase("sides");
  EXPECT_EQ(compare_sides(old)[1].label, "Dense: gpt3-175b");
}

}  // namespace
}  // namespace moesim::reports
