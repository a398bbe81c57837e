// moesim — the comparison as HTML.
#include "reports/html_report.h"

#include <sstream>

#include "reports/comparison.h"
#include "reports/html_page.h"
#include "reports/report_units.h"
#include "reports/svg_chart.h"

namespace moesim::reports {
namespace {

std::string card(const nlohmann::json& doc, const std::string& key, const std::string& label, Measure m) {
  const auto a = number_at(doc.at("moe"), key), b = number_at(doc.at("dense"), key);
  std::ostringstream o;
  o << "<div class=\"card\" data-key=\"" << key << "\"><div class=\"label\">" << xml_escape(label)
    << ", MoE / dense</div><div class=\"ratio\">" << xml_escape(format_ratio(a, b))
    << "</div><div class=\"detail\">" << xml_escape(a ? format_value(m, *a) : "n/a") << " vs "
    << xml_escape(b ? format_value(m, *b) : "n/a") << "</div></div>\n";
  return o.str();
}

std::string table(const nlohmann::json& doc) {
  const nlohmann::json& moe = doc.at("moe");
  const nlohmann::json& dense = doc.at("dense");
  std::ostringstream o;
  o << "<table id=\"comparison\">\n<tr><th>Figure</th><th>MoE: " << xml_escape(string_at(moe, "model"))
    << "</th><th>Dense: " << xml_escape(string_at(dense, "model")) << "</th><th>MoE / dense</th></tr>\n";
  for (const auto& m : comparison_metrics()) {
    const auto a = number_at(moe, m.key), b = number_at(dense, m.key);
    o << "<tr><td>" << xml_escape(m.label) << "</td>"
      << html_value_cell(m.key, "moe", a, a ? format_value(m.measure, *a) : "")
      << html_value_cell(m.key, "dense", b, b ? format_value(m.measure, *b) : "")
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
  for (const char* run : {"moe", "dense"}) {
    StackedBarChart::Bar bar{string_at(doc.at(run), "model"), {}};
    for (const auto& [key, label] : breakdown_components())
      bar.values.push_back(number_at(doc.at(run), "breakdown_s." + key).value_or(0.0));
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
  c.series = {"MoE: " + string_at(doc.at("moe"), "model"), "Dense: " + string_at(doc.at("dense"), "model")};
  c.values.assign(2, {});
  for (const auto& [key, label] : keys) {
    c.categories.push_back(label);
    for (std::size_t r = 0; r < 2; ++r) {
      const nlohmann::json& result = doc.at(r == 0 ? "moe" : "dense");
      const auto v = key.rfind("a2a_bytes_per_tier.", 0) == 0 ? tier_bytes(result, key.substr(19))
                                                              : number_at(result, key);
      c.values[r].push_back(v.value_or(0.0));
    }
  }
  return render_svg(c);
}

}  // namespace

std::string compare_html(const nlohmann::json& doc) {
  const nlohmann::json& moe = doc.at("moe");
  const nlohmann::json& dense = doc.at("dense");
  const std::string title = "MoE vs dense: " + string_at(moe, "model") + " vs " + string_at(dense, "model");
  std::ostringstream o;
  o << "<header><h1>" << xml_escape(title) << "</h1><p>Scenario " << xml_escape(string_at(moe, "scenario"))
    << " on " << xml_escape(string_at(moe, "cluster")) << ": " << xml_escape(string_at(moe, "devices"))
    << " × " << xml_escape(string_at(moe, "accelerator"))
    << "; both models on the same cluster and training budget ("
    << xml_escape(number_at(moe, "tokens_per_step")
                      ? format_value(Measure::kTokens, *number_at(moe, "tokens_per_step"))
                      : "n/a")
    << " per step).</p></header>\n<main>\n";
  const bool run_energy = number_at(moe, "energy_mwh_run") && number_at(dense, "energy_mwh_run");
  o << "<section class=\"cards\">\n"
    << card(doc, "flops_per_token_fwd", "FLOPs per token (inference)", Measure::kFlops)
    << card(doc, "step_time_s", "Step time", Measure::kSeconds)
    << (run_energy ? card(doc, "energy_mwh_run", "Energy of the run", Measure::kMWh)
                   : card(doc, "energy_j_per_step", "Energy per step", Measure::kJoules))
    << (number_at(moe, "cost_usd_run") ? card(doc, "cost_usd_run", "Cost of the run", Measure::kUsd)
                                       : card(doc, "time_to_train_s", "Time to train", Measure::kDuration))
    << "</section>\n";
  o << "<section><h2>Side by side</h2>\n" << table(doc) << "</section>\n";
  o << "<section><h2>Where the step time goes</h2>\n" << breakdown_chart(doc) << "</section>\n";
  std::vector<std::pair<std::string, std::string>> tiers;
  for (const auto& t : a2a_tiers(moe, dense)) tiers.emplace_back("a2a_bytes_per_tier." + t, t);
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
  o << "<section><h2>How these numbers were produced</h2>\n<ul class=\"note\">\n"
    << "<li>MoE run: " << xml_escape(provenance(moe)) << "</li>\n"
    << "<li>Dense run: " << xml_escape(provenance(dense)) << "</li>\n"
    << "<li>" << xml_escape(doc.value("dense_rule", "")) << "</li>\n";
  if (moe.contains("routing") && moe["routing"].is_object()) {
    const auto dropped = number_at(moe, "routing.dropped_fraction");
    const auto imbalance = number_at(moe, "routing.imbalance");
    o << "<li>MoE routing: " << xml_escape(string_at(moe["routing"], "distribution")) << " distribution, "
      << xml_escape(dropped ? format_value(Measure::kFraction, *dropped) : "n/a")
      << " of token copies dropped by expert capacity, expert-load imbalance (max / mean) "
      << xml_escape(imbalance ? format_number(*imbalance) + "×" : "n/a") << ".</li>\n";
  }
  if (moe.contains("busiest_link") && moe["busiest_link"].is_object()) {
    const auto u = number_at(moe, "busiest_link.utilisation");
    o << "<li>Busiest link of the MoE all-to-alls: " << xml_escape(string_at(moe["busiest_link"], "name"))
      << " (tier " << xml_escape(string_at(moe["busiest_link"], "tier")) << "), "
      << xml_escape(u ? format_value(Measure::kFraction, *u) : "n/a") << " utilised.</li>\n";
  }
  o << "<li>Energy = step energy × steps (Patterson et al. 2021: time × accelerators × power × PUE); "
       "n/a where the scenario has no training.total_tokens, energy or cost section.</li>\n"
    << "<li>The complete simulation output of both runs is embedded in this file (script#moesim-data).</li>\n"
    << "</ul>\n</section>\n</main>\n";
  return html_page(title, o.str(), doc);
}

}  // namespace moesim::reports
