// moesim — Markdown rendering.
#include "reports/markdown_report.h"

#include <array>
#include <ostream>
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

/// Title, the set-up of each run and its provenance.
void compare_heading(std::ostream& o, const nlohmann::json& doc, const std::array<CompareSide, 2>& sides) {
  const nlohmann::json& a = *sides[0].result;
  const nlohmann::json& b = *sides[1].result;
  if (!compares_scenarios(doc)) {
    o << "# MoE vs dense: " << string_at(a, "model") << " vs " << string_at(b, "model") << "\n\n"
      << "Scenario `" << string_at(a, "scenario") << "` on " << cluster_label(a) << " ("
      << string_at(a, "devices") << " × " << string_at(a, "accelerator")
      << "), both models on the same cluster and training budget.\n\n"
      << "- MoE run: " << provenance(a) << "\n- Dense run: " << provenance(b) << "\n\n";
    return;
  }
  o << "# " << string_at(a, "scenario") << " vs " << string_at(b, "scenario") << "\n\n"
    << "Two scenario files, each simulated as given.\n\n";
  for (const auto& side : sides) {
    const nlohmann::json& r = *side.result;
    o << "- " << md_escape(side.label) << ": `" << string_at(r, "scenario_file") << "`, model "
      << string_at(r, "model") << " on " << cluster_label(r) << " (" << string_at(r, "devices") << " × "
      << string_at(r, "accelerator") << "); " << provenance(r) << "\n";
  }
  o << "\n";
}

/// The side-by-side table of comparison_metrics() and the step-time breakdown.
void compare_tables(std::ostream& o, const nlohmann::json& doc, const std::array<CompareSide, 2>& sides) {
  const nlohmann::json& a = *sides[0].result;
  const nlohmann::json& b = *sides[1].result;
  o << "| Figure | " << md_escape(sides[0].label) << " | " << md_escape(sides[1].label) << " | "
    << ratio_label(doc) << " |\n|---|---:|---:|---:|\n";
  for (const auto& m : comparison_metrics())
    o << "| " << m.label << " | " << cell(a, m.key, m.measure) << " | " << cell(b, m.key, m.measure) << " | "
      << format_ratio(number_at(a, m.key), number_at(b, m.key)) << " |\n";
  const bool scenarios = compares_scenarios(doc);
  o << "\n## Step-time breakdown\n\n| Component | " << (scenarios ? md_escape(sides[0].label) : "MoE")
    << " | " << (scenarios ? md_escape(sides[1].label) : "Dense") << " |\n|---|---:|---:|\n";
  for (const auto& [key, label] : breakdown_components())
    o << "| " << label << " | " << cell(a, "breakdown_s." + key, Measure::kSeconds) << " | "
      << cell(b, "breakdown_s." + key, Measure::kSeconds) << " |\n";
  o << "\n## All-to-all bytes per link tier (per step; a byte crossing 3 links counts 3 times)\n\n";
  const auto tiers = a2a_tiers(a, b);
  if (tiers.empty()) {
    o << "No all-to-all traffic in either run.\n";
    return;
  }
  o << "| Tier | " << (scenarios ? md_escape(sides[0].label) : "MoE") << " | "
    << (scenarios ? md_escape(sides[1].label) : "Dense") << " |\n|---|---:|---:|\n";
  for (const auto& t : tiers)
    o << "| " << md_escape(t) << " | " << bytes_cell(tier_bytes(a, t)) << " | "
      << bytes_cell(tier_bytes(b, t)) << " |\n";
}

/// Busiest link of the all-to-alls and routing of each run that has all-to-all traffic (the MoE run only
/// against a preset).
void compare_traffic_notes(std::ostream& o, const nlohmann::json& doc,
                           const std::array<CompareSide, 2>& sides) {
  const bool scenarios = compares_scenarios(doc);
  for (std::size_t i = 0; i < (scenarios ? 2u : 1u); ++i) {
    const nlohmann::json& r = *sides[i].result;
    if (scenarios && !(number_at(r, "a2a_bytes_per_step").value_or(0) > 0)) continue;  // no router
    const std::string busiest = scenarios ? md_escape(sides[i].label) + ", busiest all-to-all link: "
                                          : "Busiest link of the MoE all-to-alls: ";
    const std::string routing = scenarios ? md_escape(sides[i].label) + ", routing: " : "MoE routing: ";
    if (r.contains("busiest_link") && r["busiest_link"].is_object())
      o << "\n"
        << busiest << string_at(r["busiest_link"], "name") << " (tier "
        << string_at(r["busiest_link"], "tier") << "), "
        << cell(r, "busiest_link.utilisation", Measure::kFraction) << " utilised.\n";
    if (r.contains("routing") && r["routing"].is_object())
      o << "\n"
        << routing << string_at(r["routing"], "distribution") << " distribution, "
        << cell(r, "routing.dropped_fraction", Measure::kFraction)
        << " of token copies dropped by capacity, imbalance (max / mean expert load) " << imbalance_text(r)
        << ".\n";
  }
}

}  // namespace

std::string compare_markdown(const nlohmann::json& doc) {
  const auto sides = compare_sides(doc);
  std::ostringstream o;
  compare_heading(o, doc, sides);
  compare_tables(o, doc, sides);
  compare_traffic_notes(o, doc, sides);
  if (!compares_scenarios(doc))
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
  o << "Grid: " << grid_description(axes) << " = " << doc.value("grid_size", 0)
    << " points; shards: " << doc.at("shards").dump() << ".\n\n| # |";
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
