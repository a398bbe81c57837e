#include "reports/validation/published_figure.h"

#include <cmath>
#include <set>
#include <sstream>

#include "workloads/config_error.h"
#include "workloads/yaml_reader.h"

namespace moesim::validation {
namespace {

const std::vector<std::string> kRowKeys = {
    "figure", "source", "setup",     "scenario",    "overrides",
    "metric", "unit",   "published", "kind",        "tolerance",
    "fast",   "status", "argument",  "explanation", "tokens_per_example"};

const std::vector<std::string> kKinds = {"count",  "flops",  "time",  "throughput",
                                         "energy", "carbon", "memory"};

FigureKind kind_from(const std::string& s) {
  if (s == "count") return FigureKind::kCount;
  if (s == "flops") return FigureKind::kFlops;
  if (s == "time") return FigureKind::kTime;
  if (s == "throughput") return FigureKind::kThroughput;
  if (s == "energy") return FigureKind::kEnergy;
  if (s == "memory") return FigureKind::kMemory;
  return FigureKind::kCarbon;
}

std::string format_number(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

PublishedFigure parse_row(const YamlMap& m) {
  PublishedFigure r;
  r.figure = m.string("figure");
  r.source = m.string("source");
  r.published = m.quantity("published", Unit::kCount, Bound::kPositive);
  r.kind = kind_from(m.choice("kind", kKinds));
  if (auto v = m.optional_string("unit")) r.unit = *v;
  if (auto v = m.optional_string("setup")) r.setup = *v;
  if (auto v = m.optional_string("argument")) r.argument = *v;
  if (auto v = m.optional_string("explanation")) r.explanation = *v;
  r.fast = m.optional_boolean("fast").value_or(false);
  const std::string status = m.optional_choice("status", {"evaluated", "not-modelled"}).value_or("evaluated");
  r.status = status == "evaluated" ? FigureStatus::kEvaluated : FigureStatus::kNotModelled;

  if (r.status == FigureStatus::kNotModelled) {
    if (r.explanation.empty())
      m.fail("explanation", "is required for a not-modelled row: say what moesim lacks");
    for (const char* key : {"scenario", "metric", "tolerance", "overrides", "tokens_per_example"}) {
      if (m.has(key)) m.fail(key, "does not apply to a not-modelled row (there is no prediction)");
    }
    if (r.fast) m.fail("fast", "a not-modelled row cannot be part of the ctest suite");
    m.finish(kRowKeys);
    return r;
  }

  if (r.setup.empty()) m.fail("setup", "is required: the set-up the paper measured on");
  r.scenario = m.string("scenario");
  r.metric = m.string("metric");
  const auto& metrics = known_metrics();
  if (std::find(metrics.begin(), metrics.end(), r.metric) == metrics.end()) {
    std::string list;
    for (const auto& k : metrics) list += (list.empty() ? "" : ", ") + k;
    m.fail("metric", "expected one of {" + list + "}, got '" + r.metric + "'");
  }
  r.tolerance = m.quantity("tolerance", Unit::kCount, Bound::kPositive);
  if (r.tolerance >= 1) m.fail("tolerance", "expected a relative error below 1 (e.g. 0.25 for ±25%)");
  if (r.tolerance > default_tolerance_limit(r.kind) + 1e-12 && r.argument.empty()) {
    m.fail("tolerance", "is wider than ±" + format_number(100 * default_tolerance_limit(r.kind)) +
                            "% for a " + std::string(to_string(r.kind)) +
                            " figure: give an `argument` for it");
  }
  if (r.metric == "examples_per_s") {
    r.tokens_per_example = m.quantity("tokens_per_example", Unit::kCount, Bound::kPositive);
  } else if (m.has("tokens_per_example")) {
    m.fail("tokens_per_example", "only applies to metric examples_per_s");
  }
  if (m.has("overrides")) {
    const YAML::Node list = m.raw("overrides");
    if (!list.IsSequence()) m.fail("overrides", "expected a list of KEY=VALUE strings");
    for (const auto& item : list) {
      if (!item.IsScalar() || item.as<std::string>().find('=') == std::string::npos) {
        m.fail("overrides", "expected a list of KEY=VALUE strings such as model.capacity_factor=1.0");
      }
      r.overrides.push_back(item.as<std::string>());
    }
  }
  m.finish(kRowKeys);
  return r;
}

/// A number from the simulation result; a missing or null key is a problem of the row's scenario.
double number(const nlohmann::json& sim, const char* key, const PublishedFigure& row,
              const std::string& file) {
  const auto it = sim.find(key);
  if (it == sim.end() || !it->is_number()) {
    std::string hint;
    if (std::string_view(key).ends_with("_run") || std::string_view(key) == "time_to_train_s" ||
        std::string_view(key) == "steps_run") {
      hint = " (the scenario needs training.total_tokens, and an energy section for energy and carbon)";
    }
    throw ConfigError(file, row.line, "figures." + row.figure + ".metric",
                      "scenario " + row.scenario + " gives no number for '" + key + "'" + hint);
  }
  return it->get<double>();
}

}  // namespace

const std::vector<std::string>& known_metrics() {
  static const std::vector<std::string> kMetrics = {
      // direct keys of the simulate JSON
      "params_total", "params_activated", "flops_per_token_fwd", "flops_per_token_train", "step_time_s",
      "steps_per_s", "tokens_per_s", "mfu", "time_to_train_s", "accelerator_hours_run", "energy_mwh_run",
      "tco2e_run", "param_state_bytes_per_device",
      // derived
      "time_to_train_hours", "time_to_train_days", "examples_per_s", "tflops_per_chip", "total_train_flops",
      "activation_bytes_per_device"};
  return kMetrics;
}

double default_tolerance_limit(FigureKind kind) {
  return kind == FigureKind::kCount || kind == FigureKind::kFlops || kind == FigureKind::kMemory ? 0.10
                                                                                                 : 0.25;
}

bool is_time_or_energy(FigureKind kind) {
  return kind == FigureKind::kTime || kind == FigureKind::kThroughput || kind == FigureKind::kEnergy;
}

std::string_view to_string(FigureKind kind) {
  switch (kind) {
    case FigureKind::kCount:
      return "count";
    case FigureKind::kFlops:
      return "flops";
    case FigureKind::kTime:
      return "time";
    case FigureKind::kThroughput:
      return "throughput";
    case FigureKind::kEnergy:
      return "energy";
    case FigureKind::kCarbon:
      return "carbon";
    case FigureKind::kMemory:
      return "memory";
  }
  return "?";
}

std::string_view to_string(FigureStatus status) {
  return status == FigureStatus::kEvaluated ? "evaluated" : "not-modelled";
}

std::vector<PublishedFigure> load_published_figures(const std::string& path) {
  const YAML::Node root = load_yaml_file(path);
  if (!root.IsMap()) throw ConfigError(path, 0, "figures", "expected a mapping with a `figures:` list");
  const YamlMap top(root, path, "");
  const YAML::Node list = top.raw("figures");
  if (!list || !list.IsSequence() || list.size() == 0) {
    top.fail("figures", "expected a non-empty list of published figures");
  }
  top.finish({"figures"});
  std::vector<PublishedFigure> rows;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = "figures[" + std::to_string(i) + "]";
    if (!list[i].IsMap())
      throw ConfigError(path, list[i].Mark().line + 1, where, "expected a mapping (one figure)");
    const YamlMap m(list[i], path, where);
    PublishedFigure row = parse_row(m);
    row.line = list[i].Mark().line + 1;
    if (!ids.insert(row.figure).second) m.fail("figure", "duplicate figure id '" + row.figure + "'");
    rows.push_back(std::move(row));
  }
  return rows;
}

double predict_metric(const PublishedFigure& row, const nlohmann::json& sim, const std::string& table_file) {
  const std::string& k = row.metric;
  const auto num = [&](const char* key) { return number(sim, key, row, table_file); };
  if (k == "time_to_train_hours") return num("time_to_train_s") / 3600.0;
  if (k == "time_to_train_days") return num("time_to_train_s") / 86400.0;
  if (k == "examples_per_s") {
    if (!row.tokens_per_example) {
      throw ConfigError(table_file, row.line, "figures." + row.figure + ".tokens_per_example",
                        "is required for metric examples_per_s");
    }
    return num("tokens_per_s") / *row.tokens_per_example;
  }
  if (k == "tflops_per_chip") return num("model_flops_per_step") / num("step_time_s") / num("devices") / 1e12;
  if (k == "activation_bytes_per_device") {
    const auto it = sim.find("memory_bytes_per_device");
    if (it == sim.end() || !it->is_object() || !it->contains("activations") ||
        !it->at("activations").is_number()) {
      throw ConfigError(
          table_file, row.line, "figures." + row.figure + ".metric",
          "scenario " + row.scenario + " gives no number for 'memory_bytes_per_device.activations'");
    }
    return it->at("activations").get<double>();
  }
  if (k == "total_train_flops")
    return num("flops_per_token_train") * num("tokens_per_step") * num("steps_run");
  const auto& metrics = known_metrics();
  if (std::find(metrics.begin(), metrics.end(), k) == metrics.end()) {
    throw ConfigError(table_file, row.line, "figures." + row.figure + ".metric",
                      "unknown metric '" + k + "'");
  }
  return num(k.c_str());
}

FigureResult evaluate_figure(const PublishedFigure& row, const nlohmann::json& sim,
                             const std::string& table_file) {
  FigureResult r;
  r.row = row;
  if (row.status == FigureStatus::kNotModelled) return r;
  const double predicted = predict_metric(row, sim, table_file);
  r.predicted = predicted;
  r.error = (predicted - row.published) / row.published;
  // Inclusive bound, with a rounding margin so that an error of exactly the tolerance passes.
  r.pass = std::isfinite(*r.error) && std::fabs(*r.error) <= row.tolerance + 1e-12;
  return r;
}

}  // namespace moesim::validation
