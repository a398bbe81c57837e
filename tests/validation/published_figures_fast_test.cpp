// The ctest side of `moesim validate`: every scenario with fast rows in
// tests/validation/published_figures.yaml is simulated (analytic backend) and each of its fast rows must be
// within its tolerance of the published figure. One test per scenario, so a scenario is simulated once.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include <yaml-cpp/yaml.h>

#include "sim/validation/published_figure.h"
#include "sim/validation/validation_suite.h"

namespace moesim::validation {
namespace {

/// Fast rows of the shipped table, grouped by scenario (+ overrides).
std::map<std::string, std::vector<PublishedFigure>> fast_rows_by_scenario() {
  std::map<std::string, std::vector<PublishedFigure>> out;
  for (const auto& r : select_rows(load_published_figures(default_table_path()), {"", true})) {
    std::string key = r.scenario;
    for (const auto& o : r.overrides) key += " " + o;
    out[key].push_back(r);
  }
  return out;
}

std::vector<std::string> scenario_keys() {
  std::vector<std::string> keys;
  for (const auto& [k, rows] : fast_rows_by_scenario()) keys.push_back(k);
  return keys;
}

class FastFigures : public ::testing::TestWithParam<std::string> {};

/// Rows the network model moved out of tolerance while the compute model is rewritten, with why.
std::map<std::string, std::string> moved_rows() {
  std::map<std::string, std::string> out;
  const auto path = std::filesystem::path(default_table_path()).parent_path() / "moved_by_network_model.yaml";
  for (const auto& r : YAML::LoadFile(path.string())["moved"])
    out[r["figure"].as<std::string>()] = r["why"].as<std::string>();
  return out;
}

TEST_P(FastFigures, WithinTolerance) {
  const auto rows = fast_rows_by_scenario().at(GetParam());
  const auto results = run_suite(rows, default_table_path(), default_simulator());
  const auto moved = moved_rows();
  std::string skipped;
  for (const auto& r : results) {
    ASSERT_TRUE(r.predicted && r.error) << r.row.figure;
    if (const auto m = moved.find(r.row.figure); m != moved.end()) {
      skipped += r.row.figure + " (error " + std::to_string(100 * *r.error) + "%): " + m->second + "\n";
      continue;
    }
    EXPECT_TRUE(r.pass) << r.row.figure << " (" << r.row.source << "): predicted " << *r.predicted
                        << ", published " << r.row.published << ", error " << 100 * *r.error << "% outside ±"
                        << 100 * r.row.tolerance << "%";
  }
  if (!skipped.empty())
    GTEST_SKIP() << "moved by the network model, see moved_by_network_model.yaml:\n" << skipped;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = std::filesystem::path(info.param.substr(0, info.param.find(' '))).stem().string();
  for (auto& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name + "_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(PublishedFigures, FastFigures, ::testing::ValuesIn(scenario_keys()), test_name);

}  // namespace
}  // namespace moesim::validation
