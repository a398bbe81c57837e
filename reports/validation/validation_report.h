// moesim — the validation table as a console table, JSON rows and a Markdown report.
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reports/validation/published_figure.h"

namespace moesim::validation {

/// One JSON object per row with exactly the keys figure, source, published, predicted (null when not
/// modelled), error (relative, null when not modelled), tolerance (null when not modelled), pass, and the
/// extras metric, unit, kind, status, fast, scenario, setup, explanation, argument.
nlohmann::json results_json(const std::vector<FigureResult>& results);

/// The `validate --json` document: {kind: "moesim-validate", rows: results_json(), evaluated, passed,
/// all_pass}. The writer adds `schema_version` (reports/json_output.h).
nlohmann::json validation_document(const std::vector<FigureResult>& results);

/// Mean of |error| over the evaluated time, throughput and energy rows (carbon rows repeat the energy error
/// with the paper's own intensity and are left out); nullopt when there is none.
std::optional<double> mean_abs_error_time_energy(const std::vector<FigureResult>& results);

/// True when every evaluated row passes (not-modelled rows do not count).
bool all_evaluated_pass(const std::vector<FigureResult>& results);

/// Console table: figure, source, published, predicted, error %, tolerance, PASS/FAIL/n-m; then the mean
/// absolute error over time and energy and a pass count.
void print_table(std::ostream& out, const std::vector<FigureResult>& results);

/// Markdown report: the table with set-ups, results and explanations, the mean absolute error, and the
/// not-modelled figures.
void write_markdown(std::ostream& out, const std::vector<FigureResult>& results);

/// `v` with 4 significant digits and an SI suffix between 1e4 and 1e15 ("96.6G", "1.2T", "456", "3.14e+23").
std::string format_value(double v);

}  // namespace moesim::validation
