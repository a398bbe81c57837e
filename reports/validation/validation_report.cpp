#include "reports/validation/validation_report.h"

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace moesim::validation {
namespace {

std::string percent(double x, int decimals = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.*f%%", decimals, 100 * x);
  return buf;
}

std::string tolerance_text(double t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "±%.0f%%", 100 * t);
  return buf;
}

std::string verdict(const FigureResult& r) {
  if (r.row.status == FigureStatus::kNotModelled) return "not modelled";
  return r.pass ? "pass" : "FAIL";
}

std::string with_unit(double v, const std::string& unit) {
  std::string out = format_value(v);
  if (!unit.empty()) out.append(" ").append(unit);
  return out;
}

/// Markdown cell: pipes escaped, newlines flattened.
std::string cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string format_value(double v) {
  char buf[48];
  const double a = std::fabs(v);
  if (a != 0 && (a < 1e-3 || a >= 1e15)) {
    std::snprintf(buf, sizeof buf, "%.3g", v);
  } else if (a >= 1e4) {
    const char* suffix = a >= 1e12 ? "T" : a >= 1e9 ? "G" : a >= 1e6 ? "M" : "k";
    const double scale = a >= 1e12 ? 1e12 : a >= 1e9 ? 1e9 : a >= 1e6 ? 1e6 : 1e3;
    std::snprintf(buf, sizeof buf, "%.4g%s", v / scale, suffix);
  } else {
    std::snprintf(buf, sizeof buf, "%.4g", v);
  }
  return buf;
}

nlohmann::json results_json(const std::vector<FigureResult>& results) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : results) {
    const bool evaluated = r.row.status == FigureStatus::kEvaluated;
    nlohmann::json j;
    j["figure"] = r.row.figure;
    j["source"] = r.row.source;
    j["published"] = r.row.published;
    j["predicted"] = r.predicted ? nlohmann::json(*r.predicted) : nlohmann::json(nullptr);
    j["error"] = r.error ? nlohmann::json(*r.error) : nlohmann::json(nullptr);
    j["tolerance"] = evaluated ? nlohmann::json(r.row.tolerance) : nlohmann::json(nullptr);
    j["pass"] = r.pass;
    j["metric"] = r.row.metric;
    j["unit"] = r.row.unit;
    j["kind"] = std::string(to_string(r.row.kind));
    j["status"] = std::string(to_string(r.row.status));
    j["fast"] = r.row.fast;
    j["scenario"] = r.row.scenario;
    j["setup"] = r.row.setup;
    j["explanation"] = r.row.explanation;
    j["argument"] = r.row.argument;
    rows.push_back(std::move(j));
  }
  return rows;
}

nlohmann::json validation_document(const std::vector<FigureResult>& results) {
  std::size_t evaluated = 0, passed = 0;
  for (const auto& r : results) {
    if (r.row.status != FigureStatus::kEvaluated) continue;
    ++evaluated;
    passed += r.pass ? 1 : 0;
  }
  return {{"kind", "moesim-validate"},
          {"rows", results_json(results)},
          {"evaluated", evaluated},
          {"passed", passed},
          {"all_pass", all_evaluated_pass(results)}};
}

std::optional<double> mean_abs_error_time_energy(const std::vector<FigureResult>& results) {
  double sum = 0;
  int n = 0;
  for (const auto& r : results) {
    if (!r.error || !is_time_or_energy(r.row.kind)) continue;
    sum += std::fabs(*r.error);
    ++n;
  }
  if (n == 0) return std::nullopt;
  return sum / n;
}

bool all_evaluated_pass(const std::vector<FigureResult>& results) {
  for (const auto& r : results) {
    if (r.row.status == FigureStatus::kEvaluated && !r.pass) return false;
  }
  return true;
}

void print_table(std::ostream& out, const std::vector<FigureResult>& results) {
  std::size_t wf = 6, ws = 6;
  for (const auto& r : results) {
    wf = std::max(wf, r.row.figure.size());
    ws = std::min<std::size_t>(40, std::max(ws, r.row.source.size()));
  }
  const auto source = [&](const std::string& s) {
    if (s.size() <= ws) return s;
    std::string cut = s.substr(0, ws - 3);
    cut.append("...");
    return cut;
  };
  out << std::left << std::setw(static_cast<int>(wf)) << "figure"
      << "  " << std::setw(static_cast<int>(ws)) << "source"
      << "  " << std::right << std::setw(14) << "published"
      << "  " << std::setw(14) << "predicted"
      << "  " << std::setw(9) << "error"
      << "  " << std::setw(5) << "tol"
      << "  result\n";
  int pass = 0, evaluated = 0;
  for (const auto& r : results) {
    out << std::left << std::setw(static_cast<int>(wf)) << r.row.figure << "  "
        << std::setw(static_cast<int>(ws)) << source(r.row.source) << "  " << std::right << std::setw(14)
        << with_unit(r.row.published, r.row.unit) << "  " << std::setw(14)
        << (r.predicted ? with_unit(*r.predicted, r.row.unit) : "-") << "  " << std::setw(9)
        << (r.error ? percent(*r.error) : "-") << "  " << std::setw(5)
        << (r.row.status == FigureStatus::kEvaluated ? tolerance_text(r.row.tolerance) : "-") << "  "
        << verdict(r) << "\n";
    if (r.row.status == FigureStatus::kEvaluated) {
      ++evaluated;
      pass += r.pass ? 1 : 0;
    }
  }
  out << "\n" << pass << " of " << evaluated << " evaluated figures within tolerance";
  if (const auto mae = mean_abs_error_time_energy(results)) {
    out << "; mean absolute error over time and energy figures: " << std::fixed << std::setprecision(1)
        << 100 * *mae << "%" << std::defaultfloat;
  }
  out << "\n";
}

void write_markdown(std::ostream& out, const std::vector<FigureResult>& results) {
  out << "# moesim validation against published figures\n\n"
      << "Predicted by `moesim validate` from the scenarios in `tests/validation/scenarios/`; the published "
         "figures, their sources and tolerances are in `tests/validation/published_figures.yaml`. Error = "
         "(predicted − published) / published. Energy is simulated time × measured system power × PUE, never "
         "the paper's hours.\n\n"
      << "| figure | source | set-up | published | predicted | error | tolerance | result | ctest | notes |\n"
      << "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : results) {
    std::string notes = r.row.explanation;
    if (!r.row.argument.empty())
      notes.append(notes.empty() ? "" : " ").append("Tolerance: ").append(r.row.argument);
    out << "| " << cell(r.row.figure) << " | " << cell(r.row.source) << " | " << cell(r.row.setup) << " | "
        << with_unit(r.row.published, r.row.unit) << " | "
        << (r.predicted ? with_unit(*r.predicted, r.row.unit) : "–") << " | "
        << (r.error ? percent(*r.error) : "–") << " | "
        << (r.row.status == FigureStatus::kEvaluated ? tolerance_text(r.row.tolerance) : "–") << " | "
        << verdict(r) << " | " << (r.row.fast ? "yes" : "no") << " | " << cell(notes) << " |\n";
  }
  out << "\n";
  if (const auto mae = mean_abs_error_time_energy(results)) {
    int n = 0;
    for (const auto& r : results) n += (r.error && is_time_or_energy(r.row.kind)) ? 1 : 0;
    out << "**Mean absolute error over the " << n << " time, throughput and energy figures: " << std::fixed
        << std::setprecision(1) << 100 * *mae << "%**" << std::defaultfloat
        << " (carbon rows left out: they repeat the energy error with the paper's own intensity).\n";
  }
}

}  // namespace moesim::validation
