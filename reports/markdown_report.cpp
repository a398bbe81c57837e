// moesim — Markdown rendering.
#include "reports/markdown_report.h"

#include <sstream>

#include "reports/comparison.h"
#include "reports/report_units.h"
#include "reports/sweep_document.h"

namespace moesim::reports {
namespace {

std::string cell(const nlohmann::json& doc, const std::string& key, Measure m) {
  const auto v = number_at(doc, key);
  return v ? format_value(m, *v) : "n/a";
}

std::string md_escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string bytes_cell(std::optional<double> v) {
  return v ? format_value(Measure::kBytes, *v) : "n/a";
}

std::string imbalance_text(const nlohmann::json& result) {
  const auto v = number_at(result, "routing.imbalance");
  return v ? format_number(*v) + "×" : "n/a";
}

}  // namespace

std::string compare_markdown(const nlohmann::json& doc) {
  const nlohmann::json& moe = doc.at("moe");
  const nlohmann::json& dense = doc.at("dense");
  std::ostringstream o;
  o << "# MoE vs dense: " << string_at(moe, "model") << " vs " << string_at(dense, "model") << "\n\n"
    << "Scenario `" << string_at(moe, "scenario") << "` on " << string_at(moe, "cluster") << " ("
    << string_at(moe, "devices") << " × " << string_at(moe, "accelerator")
    << "), both models on the same cluster and training budget.\n\n"
    << "- MoE run: " << provenance(moe) << "\n- Dense run: " << provenance(dense) << "\n\n";

  o << "| Figure | MoE: " << string_at(moe, "model") << " | Dense: " << string_at(dense, "model")
    << " | MoE / dense |\n|---|---:|---:|---:|\n";
  for (const auto& m : comparison_metrics())
    o << "| " << m.label << " | " << cell(moe, m.key, m.measure) << " | " << cell(dense, m.key, m.measure)
      << " | " << format_ratio(number_at(moe, m.key), number_at(dense, m.key)) << " |\n";

  o << "\n## Step-time breakdown\n\n| Component | MoE | Dense |\n|---|---:|---:|\n";
  for (const auto& [key, label] : breakdown_components())
    o << "| " << label << " | " << cell(moe, "breakdown_s." + key, Measure::kSeconds) << " | "
      << cell(dense, "breakdown_s." + key, Measure::kSeconds) << " |\n";

  o << "\n## All-to-all bytes per link tier (per step; a byte crossing 3 links counts 3 times)\n\n";
  const auto tiers = a2a_tiers(moe, dense);
  if (tiers.empty()) {
    o << "No all-to-all traffic in either run.\n";
  } else {
    o << "| Tier | MoE | Dense |\n|---|---:|---:|\n";
    for (const auto& t : tiers)
      o << "| " << md_escape(t) << " | " << bytes_cell(tier_bytes(moe, t)) << " | "
        << bytes_cell(tier_bytes(dense, t)) << " |\n";
  }
  if (moe.contains("busiest_link") && moe["busiest_link"].is_object())
    o << "\nBusiest link of the MoE all-to-alls: " << string_at(moe["busiest_link"], "name") << " (tier "
      << string_at(moe["busiest_link"], "tier") << "), "
      << cell(moe, "busiest_link.utilisation", Measure::kFraction) << " utilised.\n";
  if (moe.contains("routing") && moe["routing"].is_object())
    o << "\nMoE routing: " << string_at(moe["routing"], "distribution") << " distribution, "
      << cell(moe, "routing.dropped_fraction", Measure::kFraction) << " of token copies dropped by capacity, "
      << "imbalance (max / mean expert load) " << imbalance_text(moe) << ".\n";
  o << "\n## Dense reference\n\n" << md_escape(doc.value("dense_rule", "")) << "\n";
  o << "\nEnergy, emissions and cost follow the scenario's `energy` and `cost` sections (Patterson et al. "
       "2021: "
       "energy = time × accelerators × power × PUE); n/a means the scenario gives no "
       "`training.total_tokens`, "
       "`energy` or `cost`.\n";
  return o.str();
}

std::string sweep_markdown(const nlohmann::json& doc) {
  const auto axes = document_axes(doc);
  std::ostringstream o;
  o << "# Sweep of `" << doc.value("scenario", "") << "`\n\n";
  for (const auto& p : doc.at("points"))
    if (p.value("ok", false)) {
      o << "Produced by " << provenance(p.at("result")) << ".\n\n";
      break;
    }
  o << "Grid: ";
  for (std::size_t i = 0; i < axes.size(); ++i)
    o << (i ? " × " : "") << "`" << axes[i].key << "` (" << axes[i].values.size() << ")";
  o << " = " << doc.value("grid_size", 0) << " points; shards: " << doc.at("shards").dump() << ".\n\n| # |";
  for (const auto& a : axes) o << " " << md_escape(a.key) << " |";
  for (const auto& c : sweep_columns()) o << " " << c.label << " |";
  o << "\n|---:|";
  for (std::size_t i = 0; i < axes.size(); ++i) o << "---|";
  for (std::size_t i = 0; i < sweep_columns().size(); ++i) o << "---:|";
  o << "\n";
  for (const auto& p : doc.at("points")) {
    o << "| " << p.at("index").get<std::size_t>() << " |";
    for (const auto& s : p.at("settings")) o << " " << md_escape(s.at(1).get<std::string>()) << " |";
    if (p.value("ok", false)) {
      for (const auto& c : sweep_columns()) o << " " << cell(p.at("result"), c.key, c.measure) << " |";
    } else {
      o << " failed (" << p.value("error_kind", "") << "): " << md_escape(p.value("error", "")) << " |";
      for (std::size_t i = 1; i < sweep_columns().size(); ++i) o << " |";
    }
    o << "\n";
  }
  if (!doc.at("missing").empty())
    o << "\nMissing points (no shard produced them): " << doc.at("missing").dump() << "\n";
  return o.str();
}

}  // namespace moesim::reports
