// moesim — the MoE-vs-dense comparison as data: which figures are compared and the document reports read.
#pragma once

#include <array>
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

/// Builds the comparison document of a scenario against a dense preset, which every renderer reads and
/// `--json` writes: {kind: "moesim-compare", against, against_kind: "preset", moe: <simulate JSON>,
///  dense: <simulate JSON>, sides: [{key: "moe", label, ...}, {key: "dense", ...}], ratio_label,
///  dense_parallelism: {data, tensor, pipeline, micro_batches, expert: 1}, dense_rule,
///  ratios: {<metric key>: moe/dense or null}}.
/// The numbers are never recomputed: ratios divide the two simulation results.
nlohmann::json make_comparison(const nlohmann::json& moe, const nlohmann::json& dense,
                               const std::string& against, const DenseLayout& layout);

/// Builds the comparison document of two scenario files, each simulated as given: {kind: "moesim-compare",
/// against: <B's file>, against_kind: "scenario", a: <simulate JSON>, b: <simulate JSON>, sides (labels
/// from each scenario's name and file), ratio_label: "A / B", ratios: {<metric key>: a/b or null}}.
nlohmann::json make_scenario_comparison(const nlohmann::json& a, const nlohmann::json& b,
                                        const std::string& against);

/// One run of a comparison document, as the renderers show it.
struct CompareSide {
  const nlohmann::json* result = nullptr;  ///< the run's simulate JSON, inside the document
  std::string key;                         ///< its key in the document: "moe" / "dense" or "a" / "b"
  std::string label;                       ///< column heading, e.g. "MoE: glam-64b-64e"
};

/// The two runs of `doc` in column order (the document's `sides`; moe and dense for a document without).
std::array<CompareSide, 2> compare_sides(const nlohmann::json& doc);

/// The heading of the ratio column, e.g. "MoE / dense" or "A / B".
std::string ratio_label(const nlohmann::json& doc);

/// True when the document compares two scenario files (no dense reference rule to explain).
bool compares_scenarios(const nlohmann::json& doc);

/// How a result's cluster is named in reports: its preset name ("dgx-h100-superpod (modified)"), or for a
/// cluster built from keys "<scenario>'s cluster (<devices> × <accelerator>)" instead of "custom".
std::string cluster_label(const nlohmann::json& result);

/// The step-time breakdown components (keys of `breakdown_s`) and their labels, in stacking order.
const std::vector<std::pair<std::string, std::string>>& breakdown_components();

/// Link tiers present in either result's `a2a_bytes_per_tier`, in first-seen order.
std::vector<std::string> a2a_tiers(const nlohmann::json& moe, const nlohmann::json& dense);

/// All-to-all bytes of `result` on `tier`: 0 when the result has an `a2a_bytes_per_tier` object without that
/// tier (no traffic there), nullopt when it has no such object at all.
std::optional<double> tier_bytes(const nlohmann::json& result, const std::string& tier);

}  // namespace moesim::reports
