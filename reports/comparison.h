// moesim — the MoE-vs-dense comparison as data: which figures are compared and the document reports read.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reports/report_units.h"

namespace moesim::reports {

/// One line of the side-by-side table, in the spirit of GLaM's comparison with GPT-3 (Du et al. 2022,
/// Table 1 and §6): `key` is a top-level key of the simulate JSON (sim/step/step_simulation.h).
struct Metric {
  std::string key;
  std::string label;
  Measure measure;
};

/// The compared figures, in table order: parameters (total, activated), FLOPs per token (inference,
/// training), tokens per step, step time, tokens/s, MFU, all-to-all bytes, energy per step, time to train,
/// accelerator-hours, energy (MWh), tCO2e and cost of the run.
const std::vector<Metric>& comparison_metrics();

/// How the dense reference was parallelised, and why (the rule is printed in every report).
struct DenseLayout {
  int data = 1;
  int tensor = 1;
  int pipeline = 1;
  int micro_batches = 1;
  std::string rule;  ///< human-readable explanation of how these degrees were chosen
};

/// Builds the comparison document that every renderer reads and `--json` writes:
/// {kind: "moesim-compare", against, moe: <simulate JSON>, dense: <simulate JSON>,
///  dense_parallelism: {data, tensor, pipeline, micro_batches, expert: 1}, dense_rule,
///  ratios: {<metric key>: moe/dense or null}}.
/// The numbers are never recomputed: ratios divide the two simulation results.
nlohmann::json make_comparison(const nlohmann::json& moe, const nlohmann::json& dense,
                               const std::string& against, const DenseLayout& layout);

/// The step-time breakdown components (keys of `breakdown_s`) and their labels, in stacking order.
const std::vector<std::pair<std::string, std::string>>& breakdown_components();

/// Link tiers present in either result's `a2a_bytes_per_tier`, in first-seen order.
std::vector<std::string> a2a_tiers(const nlohmann::json& moe, const nlohmann::json& dense);

/// All-to-all bytes of `result` on `tier`: 0 when the result has an `a2a_bytes_per_tier` object without that
/// tier (no traffic there), nullopt when it has no such object at all.
std::optional<double> tier_bytes(const nlohmann::json& result, const std::string& tier);

}  // namespace moesim::reports
