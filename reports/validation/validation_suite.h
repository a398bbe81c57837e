// moesim — runs the published-figure table: one simulation per distinct scenario, one result per row.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reports/validation/published_figure.h"

namespace moesim::validation {

/// Simulates a scenario file with KEY=VALUE overrides and returns the simulate JSON
/// (sim::simulate_scenario_file in the product; a fake in unit tests).
using ScenarioSimulator = std::function<nlohmann::json(const std::string& scenario_path,
                                                       const std::vector<std::string>& overrides)>;

/// Which rows to run.
struct SuiteOptions {
  std::string filter;      ///< only rows whose id, source or scenario contains this substring ("" = all)
  bool fast_only = false;  ///< only rows marked `fast`
};

/// The table shipped with moesim: <source>/tests/validation/published_figures.yaml.
std::string default_table_path();

/// Rows of `rows` selected by `options`, in table order.
std::vector<PublishedFigure> select_rows(const std::vector<PublishedFigure>& rows,
                                         const SuiteOptions& options);

/// Called after each row of run_suite() is evaluated: rows done so far, rows in all, the row's result.
using SuiteProgress = std::function<void(std::size_t done, std::size_t total, const FigureResult& result)>;

/// Evaluates `rows` (already selected): each distinct (scenario, overrides) is simulated once with
/// `simulate`; scenario paths are resolved against the directory of `table_file`. Not-modelled rows come
/// back without a prediction. ConfigErrors of the scenarios propagate (exit code 2 in the CLI). `progress`,
/// when set, hears of every row as it is evaluated.
std::vector<FigureResult> run_suite(const std::vector<PublishedFigure>& rows, const std::string& table_file,
                                    const ScenarioSimulator& simulate, const SuiteProgress& progress = {});

/// The simulator of the product: sim::simulate_scenario_file with the scenario's own backend.
ScenarioSimulator default_simulator();

}  // namespace moesim::validation
