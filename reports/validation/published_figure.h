// moesim — one published figure to check the simulator against, and how a simulation predicts it.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moesim::validation {

/// What a figure measures; decides the default tolerance and which rows enter the mean absolute error.
enum class FigureKind {
  kCount,       ///< parameter counts (follow from the architecture): ±10% unless argued
  kFlops,       ///< FLOPs per token or per run (follow from the architecture): ±10% unless argued
  kTime,        ///< wall-clock times: ±25% unless argued
  kThroughput,  ///< steps/s, examples/s, FLOP/s per chip (inverse times): ±25% unless argued
  kEnergy,      ///< MWh (simulated time × power × PUE): ±25% unless argued
  kCarbon,      ///< tCO2e = energy × the paper's own carbon intensity (tracks the energy error): ±25%
  kMemory,      ///< bytes per device (weights and optimizer state, activations): ±10% unless argued
};

/// Whether moesim can predict the figure at all.
enum class FigureStatus {
  kEvaluated,    ///< a scenario reproduces the set-up and the simulation predicts the figure
  kNotModelled,  ///< moesim lacks what the set-up needs (e.g. LSTM layers); listed with an explanation only
};

/// One row of tests/validation/published_figures.yaml: a number a paper reports, where it is printed, the
/// set-up it was measured on, the scenario that reproduces that set-up, and the tolerance we hold it to.
/// Sources of every figure: /work/shared/reference/published-figures.md (GLaM, Switch, GShard, Shazeer 2017,
/// GPT-3, Patterson et al. 2021).
struct PublishedFigure {
  std::string figure;    ///< unique id, e.g. "glam-energy-600b"
  std::string source;    ///< paper and table/section
  std::string setup;     ///< the measured set-up in words (chips, batch, ...)
  std::string scenario;  ///< scenario YAML, relative to the table's directory ("" if not modelled)
  std::vector<std::string> overrides;  ///< KEY=VALUE overrides applied to the scenario (see apply_overrides)
  std::string metric;                  ///< a name from known_metrics()
  std::string unit;                    ///< display unit of `published`, e.g. "MWh" (no conversion)
  double published = 0;                ///< the paper's value, in the metric's own unit
  double tolerance = 0;                ///< allowed relative error, e.g. 0.25
  std::optional<double> tokens_per_example;  ///< moesim tokens per example, for examples_per_s
  FigureKind kind = FigureKind::kCount;
  FigureStatus status = FigureStatus::kEvaluated;
  bool fast = false;        ///< part of the ctest suite
  std::string argument;     ///< why a tolerance wider than the kind's default is justified
  std::string explanation;  ///< why the figure is not matched / not modelled, or a convention note
  int line = 0;             ///< line of the row in the table file
};

/// Loads and checks the table (a mapping with a `figures:` list). Throws ConfigError naming the file, the row
/// (`figures[i].key`) and what was expected for: an unknown or missing key, an unknown metric or kind, a
/// duplicate id, a tolerance above the kind's default without an `argument`, a not-modelled row without an
/// explanation (or with a scenario), examples_per_s without tokens_per_example.
std::vector<PublishedFigure> load_published_figures(const std::string& path);

/// Metric names a row may use: direct keys of the simulate JSON (params_total, energy_mwh_run, steps_per_s,
/// ...) and derived ones (time_to_train_days, time_to_train_hours, examples_per_s, tflops_per_chip,
/// total_train_flops, activation_bytes_per_device).
const std::vector<std::string>& known_metrics();

/// The largest tolerance a row of this kind may have without an `argument` (0.10 or 0.25).
double default_tolerance_limit(FigureKind kind);
std::string_view to_string(FigureKind kind);
std::string_view to_string(FigureStatus status);
/// True for the kinds that enter the mean absolute error "over time and energy": time, throughput, energy.
bool is_time_or_energy(FigureKind kind);

/// The value `row.metric` takes in a simulate_scenario() result. Derived metrics:
///   time_to_train_days/hours = time_to_train_s / 86400 or 3600;
///   examples_per_s = tokens_per_s / row.tokens_per_example;
///   tflops_per_chip = model_flops_per_step / step_time_s / devices / 1e12;
///   total_train_flops = flops_per_token_train × tokens_per_step × steps_run.
/// Throws ConfigError (file = `table_file`, key = figures row) when the result lacks a needed key or holds
/// null there (e.g. energy_mwh_run without training.total_tokens and an energy section).
double predict_metric(const PublishedFigure& row, const nlohmann::json& simulation,
                      const std::string& table_file = "");

/// The outcome of one row.
struct FigureResult {
  PublishedFigure row;
  std::optional<double> predicted;  ///< absent for not-modelled rows
  std::optional<double> error;      ///< (predicted − published) / published
  bool pass = false;                ///< |error| <= tolerance (false for not-modelled rows)
};

/// Evaluates an evaluated row on a simulation result (see predict_metric).
FigureResult evaluate_figure(const PublishedFigure& row, const nlohmann::json& simulation,
                             const std::string& table_file = "");

}  // namespace moesim::validation
