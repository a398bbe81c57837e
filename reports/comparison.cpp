// moesim — the MoE-vs-dense comparison document.
#include "reports/comparison.h"

#include <algorithm>
#include <filesystem>

namespace moesim::reports {

const std::vector<Metric>& comparison_metrics() {
  static const std::vector<Metric> kMetrics{
      {"params_total", "Total parameters", Measure::kParams},
      {"params_activated", "Activated parameters per token", Measure::kParams},
      {"flops_per_token_fwd", "FLOPs per token, inference (forward)", Measure::kFlops},
      {"flops_per_token_train", "FLOPs per token, training (forward + backward)", Measure::kFlops},
      {"tokens_per_step", "Tokens per step", Measure::kTokens},
      {"step_time_s", "Step time", Measure::kSeconds},
      {"tokens_per_s", "Throughput", Measure::kTokensPerS},
      {"mfu", "Model FLOPs utilisation", Measure::kFraction},
      {"a2a_bytes_per_step", "All-to-all bytes per step (all devices)", Measure::kBytes},
      {"energy_j_per_step", "Energy per step", Measure::kJoules},
      {"time_to_train_s", "Time to train", Measure::kDuration},
      {"accelerator_hours_run", "Accelerator-hours of the run", Measure::kHours},
      {"energy_mwh_run", "Energy of the run", Measure::kMWh},
      {"tco2e_run", "Emissions of the run", Measure::kTco2e},
      {"cost_usd_run", "Cost of the run", Measure::kUsd},
  };
  return kMetrics;
}

const std::vector<std::pair<std::string, std::string>>& breakdown_components() {
  static const std::vector<std::pair<std::string, std::string>> kParts{
      {"compute_s", "compute"},           {"memory_bound_s", "memory-bound"},
      {"exposed_a2a_s", "all-to-all"},    {"exposed_allreduce_s", "all-reduce"},
      {"pipeline_p2p_s", "pipeline p2p"}, {"idle_s", "idle"},
  };
  return kParts;
}

namespace {

nlohmann::json ratios_of(const nlohmann::json& a, const nlohmann::json& b) {
  nlohmann::json ratios = nlohmann::json::object();
  for (const auto& m : comparison_metrics()) {
    const auto x = number_at(a, m.key);
    const auto y = number_at(b, m.key);
    ratios[m.key] = (x && y && *y != 0) ? nlohmann::json(*x / *y) : nlohmann::json(nullptr);
  }
  return ratios;
}

/// "A: glam-64b64e-h100", with the file's name after it when the scenario is not named after its file.
std::string scenario_label(const std::string& letter, const nlohmann::json& result) {
  const std::string name = string_at(result, "scenario");
  const auto file = std::filesystem::path(string_at(result, "scenario_file", ""));
  std::string label = letter + ": " + name;
  if (!file.empty() && file.stem().string() != name) label += " (" + file.filename().string() + ")";
  return label;
}

nlohmann::json side_json(const std::string& key, const std::string& label, const nlohmann::json& result) {
  return {{"key", key},
          {"label", label},
          {"scenario", string_at(result, "scenario")},
          {"scenario_file", string_at(result, "scenario_file")},
          {"model", string_at(result, "model")},
          {"cluster", cluster_label(result)}};
}

}  // namespace

nlohmann::json make_comparison(const nlohmann::json& moe, const nlohmann::json& dense,
                               const std::string& against, const DenseLayout& layout) {
  nlohmann::json doc;
  doc["kind"] = "moesim-compare";
  doc["against"] = against;
  doc["against_kind"] = "preset";
  doc["moe"] = moe;
  doc["dense"] = dense;
  doc["sides"] = {side_json("moe", "MoE: " + string_at(moe, "model"), moe),
                  side_json("dense", "Dense: " + string_at(dense, "model"), dense)};
  doc["ratio_label"] = "MoE / dense";
  doc["dense_parallelism"] = {{"data", layout.data},
                              {"tensor", layout.tensor},
                              {"pipeline", layout.pipeline},
                              {"micro_batches", layout.micro_batches},
                              {"expert", 1}};
  doc["dense_rule"] = layout.rule;
  doc["ratios"] = ratios_of(moe, dense);
  return doc;
}

nlohmann::json make_scenario_comparison(const nlohmann::json& a, const nlohmann::json& b,
                                        const std::string& against) {
  nlohmann::json doc;
  doc["kind"] = "moesim-compare";
  doc["against"] = against;
  doc["against_kind"] = "scenario";
  doc["a"] = a;
  doc["b"] = b;
  doc["sides"] = {side_json("a", scenario_label("A", a), a), side_json("b", scenario_label("B", b), b)};
  doc["ratio_label"] = "A / B";
  doc["ratios"] = ratios_of(a, b);
  return doc;
}

std::array<CompareSide, 2> compare_sides(const nlohmann::json& doc) {
  std::array<CompareSide, 2> out;
  const auto sides = doc.find("sides");
  for (std::size_t i = 0; i < 2; ++i) {
    const bool listed = sides != doc.end() && sides->is_array() && sides->size() == 2;
    out[i].key = listed ? (*sides)[i].at("key").get<std::string>() : (i == 0 ? "moe" : "dense");
    out[i].label = listed ? (*sides)[i].at("label").get<std::string>()
                          : (i == 0 ? "MoE: " : "Dense: ") + string_at(doc.at(out[i].key), "model");
    out[i].result = &doc.at(out[i].key);
  }
  return out;
}

std::string ratio_label(const nlohmann::json& doc) {
  return doc.value("ratio_label", "MoE / dense");
}

bool compares_scenarios(const nlohmann::json& doc) {
  return doc.value("against_kind", "") == "scenario";
}

std::string cluster_label(const nlohmann::json& result) {
  const std::string cluster = string_at(result, "cluster");
  if (cluster != "custom") return cluster;
  return string_at(result, "scenario") + "'s cluster (" + string_at(result, "devices") + " × " +
         string_at(result, "accelerator") + ")";
}

std::vector<std::string> a2a_tiers(const nlohmann::json& moe, const nlohmann::json& dense) {
  std::vector<std::string> tiers;
  for (const auto* doc : {&moe, &dense}) {
    const auto it = doc->find("a2a_bytes_per_tier");
    if (it == doc->end() || !it->is_object()) continue;
    for (const auto& [name, value] : it->items())
      if (std::find(tiers.begin(), tiers.end(), name) == tiers.end()) tiers.push_back(name);
  }
  return tiers;
}

std::optional<double> tier_bytes(const nlohmann::json& result, const std::string& tier) {
  const auto it = result.find("a2a_bytes_per_tier");
  if (it == result.end() || !it->is_object()) return std::nullopt;
  const auto t = it->find(tier);
  if (t == it->end()) return 0.0;
  if (!t->is_number()) return std::nullopt;
  return t->get<double>();
}

}  // namespace moesim::reports
