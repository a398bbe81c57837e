#include "reports/validation/validation_suite.h"

#include <filesystem>
#include <map>

#include "kernels/data_path.h"
#include "reports/scenario_run.h"

namespace moesim::validation {

std::string default_table_path() {
  return kernels::data_path("validation/published_figures.yaml", MOESIM_VALIDATION_TABLE);
}

std::vector<PublishedFigure> select_rows(const std::vector<PublishedFigure>& rows,
                                         const SuiteOptions& options) {
  std::vector<PublishedFigure> out;
  for (const auto& r : rows) {
    if (options.fast_only && !r.fast) continue;
    const auto has = [&](const std::string& s) { return s.find(options.filter) != std::string::npos; };
    if (!options.filter.empty() && !has(r.figure) && !has(r.source) && !has(r.scenario)) continue;
    out.push_back(r);
  }
  return out;
}

std::vector<FigureResult> run_suite(const std::vector<PublishedFigure>& rows, const std::string& table_file,
                                    const ScenarioSimulator& simulate, const SuiteProgress& progress) {
  const std::filesystem::path dir = std::filesystem::path(table_file).parent_path();
  std::map<std::pair<std::string, std::vector<std::string>>, nlohmann::json> cache;
  std::vector<FigureResult> out;
  for (const auto& row : rows) {
    if (row.status == FigureStatus::kNotModelled) {
      out.push_back(evaluate_figure(row, nlohmann::json::object(), table_file));
      if (progress) progress(out.size(), rows.size(), out.back());
      continue;
    }
    const std::string path = (dir / row.scenario).string();
    const auto key = std::make_pair(path, row.overrides);
    auto it = cache.find(key);
    if (it == cache.end()) it = cache.emplace(key, simulate(path, row.overrides)).first;
    out.push_back(evaluate_figure(row, it->second, table_file));
    if (progress) progress(out.size(), rows.size(), out.back());
  }
  return out;
}

ScenarioSimulator default_simulator() {
  return [](const std::string& path, const std::vector<std::string>& overrides) {
    return reports::simulate_scenario_file(path, overrides, sim::SimulateOptions{});
  };
}

}  // namespace moesim::validation
