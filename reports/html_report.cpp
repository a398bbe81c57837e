// moesim — the comparison as HTML.
#include "reports/html_report.h"

#include <array>
#include <sstream>

#include "reports/comparison.h"
#include "reports/html_page.h"
#include "reports/report_units.h"
#include "reports/svg_chart.h"

namespace moesim::reports {
namespace {

std::string card(const nlohmann::json& doc, const std::string& key, const std::string& label, Measure m) {
  const auto sides = compare_sides(doc);
  const auto a = number_at(*sides[0].result, key), b = number_at(*sides[1].result, key);
  std::ostringstream o;
  o << "<div class=\"card\" data-key=\"" << key << "\"><div class=\"label\">" << xml_escape(label) << ", "
    << xml_escape(ratio_label(doc)) << "</div><div class=\"ratio\">" << xml_escape(format_ratio(a, b))
    << "</div><div class=\"detail\">" << xml_escape(a ? format_value(m, *a) : "n/a") << " vs "
    << xml_escape(b ? format_value(m, *b) : "n/a") << "</div></div>\n";
  return o.str();
}

std::string table(const nlohmann::json& doc) {
  const auto sides = compare_sides(doc);
  std::ostringstream o;
  o << "<table id=\"comparison\">\n<tr><th>Figure</th><th>" << xml_escape(sides[0].label) << "</th><th>"
    << xml_escape(sides[1].label) << "</th><th>" << xml_escape(ratio_label(doc)) << "</th></tr>\n";
  for (const auto& m : comparison_metrics()) {
    const auto a = number_at(*sides[0].result, m.key), b = number_at(*sides[1].result, m.key);
    o << "<tr><td>" << xml_escape(m.label) << "</td>"
      << html_value_cell(m.key, sides[0].key, a, a ? format_value(m.measure, *a) : "")
      << html_value_cell(m.key, sides[1].key, b, b ? format_value(m.measure, *b) : "")
      << "<td class=\"num\" data-key=\"" << m.key << "\" data-run=\"ratio\">"
      << xml_escape(format_ratio(a, b)) << "</td></tr>\n";
  }
  o << "</table>\n";
  return o.str();
}

std::string breakdown_chart(const nlohmann::json& doc) {
  StackedBarChart c;
  c.id = "breakdown";
  c.title = "Step time by activity (critical device, mean over devices)";
  c.format = [](double v) { return format_value(Measure::kSeconds, v); };
  for (const auto& [key, label] : breakdown_components()) c.segment_names.push_back(label);
  for (const auto& side : compare_sides(doc)) {
    StackedBarChart::Bar bar{compares_scenarios(doc) ? side.label : string_at(*side.result, "model"), {}};
    for (const auto& [key, label] : breakdown_components())
      bar.values.push_back(number_at(*side.result, "breakdown_s." + key).value_or(0.0));
    c.bars.push_back(bar);
  }
  return render_svg(c);
}

std::string pair_chart(const nlohmann::json& doc, const std::string& id, const std::string& title,
                       const std::vector<std::pair<std::string, std::string>>& keys, Measure m) {
  GroupedBarChart c;
  c.id = id;
  c.title = title;
  c.format = [m](double v) { return format_value(m, v); };
  const auto sides = compare_sides(doc);
  c.series = {sides[0].label, sides[1].label};
  c.values.assign(2, {});
  for (const auto& [key, label] : keys) {
    c.categories.push_back(label);
    for (std::size_t r = 0; r < 2; ++r) {
      const nlohmann::json& result = *sides[r].result;
      const auto v = key.rfind("a2a_bytes_per_tier.", 0) == 0 ? tier_bytes(result, key.substr(19))
                                                              : number_at(result, key);
      c.values[r].push_back(v.value_or(0.0));
    }
  }
  return render_svg(c);
}

}  // namespace

namespace {

std::string html_heading(const nlohmann::json& doc, const std::array<CompareSide, 2>& sides) {
  const nlohmann::json& a = *sides[0].result;
  std::ostringstream o;
  if (!compares_scenarios(doc)) {
    o << "<p>Scenario " << xml_escape(string_at(a, "scenario")) << " on " << xml_escape(cluster_label(a))
      << ": " << xml_escape(string_at(a, "devices")) << " × " << xml_escape(string_at(a, "accelerator"))
      << "; both models on the same cluster and training budget ("
      << xml_escape(number_at(a, "tokens_per_step")
                        ? format_value(Measure::kTokens, *number_at(a, "tokens_per_step"))
                        : "n/a")
      << " per step).</p>";
    return o.str();
  }
  o << "<ul>";
  for (const auto& side : sides) {
    const nlohmann::json& r = *side.result;
    o << "<li>" << xml_escape(side.label) << ": " << xml_escape(string_at(r, "scenario_file")) << ", model "
      << xml_escape(string_at(r, "model")) << " on " << xml_escape(cluster_label(r)) << " ("
      << xml_escape(string_at(r, "devices")) << " × " << xml_escape(string_at(r, "accelerator")) << ")</li>";
  }
  o << "</ul>";
  return o.str();
}

/// Routing and busiest-link notes of the runs that have them (the MoE run only against a preset).
std::string html_traffic_notes(const nlohmann::json& doc, const std::array<CompareSide, 2>& sides) {
  const bool scenarios = compares_scenarios(doc);
  std::ostringstream o;
  for (std::size_t i = 0; i < (scenarios ? 2u : 1u); ++i) {
    const nlohmann::json& r = *sides[i].result;
    if (scenarios && !(number_at(r, "a2a_bytes_per_step").value_or(0) > 0)) continue;  // no router
    const std::string who = scenarios ? sides[i].label : "MoE";
    if (r.contains("routing") && r["routing"].is_object()) {
      const auto dropped = number_at(r, "routing.dropped_fraction");
      const auto imbalance = number_at(r, "routing.imbalance");
      o << "<li>" << xml_escape(who) << (scenarios ? ", routing: " : " routing: ")
        << xml_escape(string_at(r["routing"], "distribution")) << " distribution, "
        << xml_escape(dropped ? format_value(Measure::kFraction, *dropped) : "n/a")
        << " of token copies dropped by expert capacity, expert-load imbalance (max / mean) "
        << xml_escape(imbalance ? format_number(*imbalance) + "×" : "n/a") << ".</li>\n";
    }
    if (r.contains("busiest_link") && r["busiest_link"].is_object()) {
      const auto u = number_at(r, "busiest_link.utilisation");
      o << "<li>"
        << (scenarios ? xml_escape(who) + ", busiest all-to-all link: "
                      : "Busiest link of the MoE all-to-alls: ")
        << xml_escape(string_at(r["busiest_link"], "name")) << " (tier "
        << xml_escape(string_at(r["busiest_link"], "tier")) << "), "
        << xml_escape(u ? format_value(Measure::kFraction, *u) : "n/a") << " utilised.</li>\n";
    }
  }
  return o.str();
}

std::string html_charts(const nlohmann::json& doc, const nlohmann::json& a, const nlohmann::json& b,
                        bool run_energy) {
  std::ostringstream o;
  o << "<section><h2>Where the step time goes</h2>\n" << breakdown_chart(doc) << "</section>\n";
  std::vector<std::pair<std::string, std::string>> tiers;
  for (const auto& t : a2a_tiers(a, b)) tiers.emplace_back("a2a_bytes_per_tier." + t, t);
  o << "<section><h2>All-to-all traffic per link tier</h2>\n";
  if (tiers.empty())
    o << "<p class=\"note\">No all-to-all traffic in either run.</p>\n";
  else
    o << pair_chart(doc, "a2a-tiers", "All-to-all bytes per step on each link tier (link crossings)", tiers,
                    Measure::kBytes);
  o << "</section>\n<section><h2>Energy</h2>\n"
    << (run_energy ? pair_chart(doc, "energy", "Energy of the training run", {{"energy_mwh_run", "run"}},
                                Measure::kMWh)
                   : pair_chart(doc, "energy", "Energy of one step", {{"energy_j_per_step", "step"}},
                                Measure::kJoules))
    << pair_chart(doc, "flops", "FLOPs per token",
                  {{"flops_per_token_fwd", "inference (forward)"}, {"flops_per_token_train", "training"}},
                  Measure::kFlops)
    << "</section>\n";
  return o.str();
}

}  // namespace

std::string compare_html(const nlohmann::json& doc) {
  const auto sides = compare_sides(doc);
  const nlohmann::json& a = *sides[0].result;
  const nlohmann::json& b = *sides[1].result;
  const bool scenarios = compares_scenarios(doc);
  const std::string title = scenarios
                                ? string_at(a, "scenario") + " vs " + string_at(b, "scenario")
                                : "MoE vs dense: " + string_at(a, "model") + " vs " + string_at(b, "model");
  std::ostringstream o;
  o << "<header><h1>" << xml_escape(title) << "</h1>" << html_heading(doc, sides) << "</header>\n<main>\n";
  const bool run_energy = number_at(a, "energy_mwh_run") && number_at(b, "energy_mwh_run");
  o << "<section class=\"cards\">\n"
    << card(doc, "flops_per_token_fwd", "FLOPs per token (inference)", Measure::kFlops)
    << card(doc, "step_time_s", "Step time", Measure::kSeconds)
    << (run_energy ? card(doc, "energy_mwh_run", "Energy of the run", Measure::kMWh)
                   : card(doc, "energy_j_per_step", "Energy per step", Measure::kJoules))
    << (number_at(a, "cost_usd_run") ? card(doc, "cost_usd_run", "Cost of the run", Measure::kUsd)
                                     : card(doc, "time_to_train_s", "Time to train", Measure::kDuration))
    << "</section>\n";
  o << "<section><h2>Side by side</h2>\n"
    << table(doc) << "</section>\n"
    << html_charts(doc, a, b, run_energy);
  o << "<section><h2>How these numbers were produced</h2>\n<ul class=\"note\">\n";
  for (const auto& side : sides)
    o << "<li>"
      << xml_escape(scenarios           ? side.label
                    : side.key == "moe" ? "MoE"
                                        : "Dense")
      << " run: " << xml_escape(provenance(*side.result)) << "</li>\n";
  if (!scenarios) o << "<li>" << xml_escape(doc.value("dense_rule", "")) << "</li>\n";
  o << html_traffic_notes(doc, sides)
    << "<li>Energy = step energy × steps (Patterson et al. 2021: time × accelerators × power × PUE); "
       "n/a where the scenario has no training.total_tokens, energy or cost section.</li>\n"
    << "<li>The complete simulation output of both runs is embedded in this file (script#moesim-data).</li>\n"
    << "</ul>\n</section>\n</main>\n";
  return html_page(title, o.str(), doc);
}

}  // namespace moesim::reports
