// moesim — the MoE-vs-dense comparison document.
#include "reports/comparison.h"

#include <algorithm>

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

nlohmann::json make_comparison(const nlohmann::json& moe, const nlohmann::json& dense,
                               const std::string& against, const DenseLayout& layout) {
  nlohmann::json doc;
  doc["kind"] = "moesim-compare";
  doc["against"] = against;
  doc["moe"] = moe;
  doc["dense"] = dense;
  doc["dense_parallelism"] = {{"data", layout.data},
                              {"tensor", layout.tensor},
                              {"pipeline", layout.pipeline},
                              {"micro_batches", layout.micro_batches},
                              {"expert", 1}};
  doc["dense_rule"] = layout.rule;
  nlohmann::json ratios = nlohmann::json::object();
  for (const auto& m : comparison_metrics()) {
    const auto a = number_at(moe, m.key);
    const auto b = number_at(dense, m.key);
    ratios[m.key] = (a && b && *b != 0) ? nlohmann::json(*a / *b) : nlohmann::json(nullptr);
  }
  doc["ratios"] = ratios;
  return doc;
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
