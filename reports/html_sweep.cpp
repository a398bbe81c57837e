// moesim — the sweep as HTML: curves against the first swept key, breakdown bars, table.
#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <sstream>

#include "reports/comparison.h"
#include "reports/html_page.h"
#include "reports/html_report.h"
#include "reports/report_units.h"
#include "reports/svg_chart.h"
#include "reports/sweep_document.h"

namespace moesim::reports {
namespace {

std::optional<double> as_number(const std::string& s) {
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

bool is_power_of_two(double x) {
  if (x < 1 || x != static_cast<double>(static_cast<long long>(x))) return false;
  const auto n = static_cast<long long>(x);
  return (n & (n - 1)) == 0;
}

/// "k=v, k=v" of the settings but those of the axes `skip` says to leave out ("all points" if none is left).
std::string settings_label(const nlohmann::json& settings, const std::function<bool(std::size_t)>& skip) {
  std::string out;
  for (std::size_t i = 0; i < settings.size(); ++i) {
    if (skip(i)) continue;
    if (!out.empty()) out += ", ";
    out += settings[i].at(0).get<std::string>() + "=" + settings[i].at(1).get<std::string>();
  }
  return out.empty() ? "all points" : out;
}

/// Markdown's code quotes are noise in HTML text.
std::string without_backticks(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), '`'), text.end());
  return text;
}

std::string settings_label(const nlohmann::json& settings) {
  return settings_label(settings, [](std::size_t) { return false; });
}

/// `key` of every successful point against axis `x`, one series per combination of the other dimensions
/// (the axes linked to `x` move with it and are left out of the series names).
std::string curve(const nlohmann::json& doc, const std::vector<SweepAxis>& axes, std::size_t x,
                  const std::string& id, const std::string& key, const std::string& label, Measure m) {
  const SweepAxis& x_axis = axes.at(x);
  const auto moves_with_x = [&](std::size_t i) {
    return i == x || (axes[x].link >= 0 && axes[i].link == axes[x].link);
  };
  bool numeric = true, pow2 = true;
  for (const auto& v : x_axis.values) {
    const auto n = as_number(v);
    numeric = numeric && n.has_value();
    pow2 = pow2 && n && is_power_of_two(*n);
  }
  std::map<std::string, std::vector<std::pair<std::string, double>>> series;  // label -> (x text, y)
  std::vector<std::string> order;
  for (const auto& p : doc.at("points")) {
    if (!p.value("ok", false)) continue;
    const auto y = number_at(p.at("result"), key);
    if (!y) continue;
    const std::string s = settings_label(p.at("settings"), moves_with_x);
    if (!series.count(s)) order.push_back(s);
    series[s].emplace_back(p.at("settings").at(x).at(1).get<std::string>(), *y);
  }
  const std::string title = label + " (" + unit_label(m) + ") vs " + x_axis.key;
  const auto fmt = [m](double v) { return format_value(m, v); };
  if (numeric) {
    LineChart c{id, title, x_axis.key, label, pow2, {}, fmt};
    for (const auto& s : order) {
      LineChart::Series line{s, {}};
      for (const auto& [x, y] : series[s]) line.points.emplace_back(*as_number(x), y);
      c.series.push_back(line);
    }
    return render_svg(c);
  }
  GroupedBarChart c{id, title, x_axis.values, order, {}, fmt};
  for (const auto& s : order) {
    std::vector<double> row(x_axis.values.size(), 0.0);
    for (const auto& [x, y] : series[s])
      for (std::size_t i = 0; i < x_axis.values.size(); ++i)
        if (x_axis.values[i] == x) row[i] = y;
    c.values.push_back(row);
  }
  return render_svg(c);
}

std::string breakdown(const nlohmann::json& doc) {
  constexpr std::size_t kMaxBars = 40;
  StackedBarChart c;
  c.id = "sweep-breakdown";
  c.title = "Step time by activity, per point";
  c.format = [](double v) { return format_value(Measure::kSeconds, v); };
  for (const auto& [key, label] : breakdown_components()) c.segment_names.push_back(label);
  for (const auto& p : doc.at("points")) {
    if (!p.value("ok", false) || c.bars.size() >= kMaxBars) continue;
    StackedBarChart::Bar bar{
        "#" + std::to_string(p.at("index").get<std::size_t>()) + " " + settings_label(p.at("settings")), {}};
    if (bar.label.size() > 30) bar.label = bar.label.substr(0, 29) + "…";
    for (const auto& [key, label] : breakdown_components())
      bar.values.push_back(number_at(p.at("result"), "breakdown_s." + key).value_or(0.0));
    c.bars.push_back(bar);
  }
  return render_svg(c);
}

std::string table(const nlohmann::json& doc, const std::vector<SweepAxis>& axes) {
  std::ostringstream o;
  o << "<table id=\"sweep\">\n<tr><th>#</th>";
  for (const auto& a : axes) o << "<th>" << xml_escape(a.key) << "</th>";
  for (const auto& c : sweep_columns()) o << "<th>" << xml_escape(c.label) << "</th>";
  o << "</tr>\n";
  for (const auto& p : doc.at("points")) {
    const bool ok = p.value("ok", false);
    const std::string run = std::to_string(p.at("index").get<std::size_t>());
    o << "<tr" << (ok ? "" : " class=\"failed\"") << "><td>" << run << "</td>";
    for (const auto& s : p.at("settings")) o << "<td>" << xml_escape(s.at(1).get<std::string>()) << "</td>";
    if (ok) {
      for (const auto& c : sweep_columns()) {
        const auto v = number_at(p.at("result"), c.key);
        o << html_value_cell(c.key, run, v, v ? format_value(c.measure, *v) : "");
      }
    } else {
      o << "<td colspan=\"" << sweep_columns().size() << "\">failed ("
        << xml_escape(p.value("error_kind", "")) << "): " << xml_escape(p.value("error", "")) << "</td>";
    }
    o << "</tr>\n";
  }
  o << "</table>\n";
  return o.str();
}

}  // namespace

std::string sweep_html(const nlohmann::json& doc) {
  const auto axes = document_axes(doc);
  const std::string title = "Sweep of " + doc.value("scenario", std::string("scenario"));
  std::ostringstream o;
  o << "<header><h1>" << xml_escape(title) << "</h1><p>"
    << xml_escape(without_backticks(grid_description(axes))) << " = " << doc.value("grid_size", 0)
    << " points, " << doc.at("points").size() << " present";
  for (const auto& p : doc.at("points"))
    if (p.value("ok", false)) {
      o << "; " << xml_escape(provenance(p.at("result")));
      break;
    }
  o << ".</p></header>\n<main>\n";
  for (std::size_t a = 0; a < axes.size(); ++a) {
    const bool first_of_link =
        axes[a].link < 0 || std::none_of(axes.begin(), axes.begin() + static_cast<std::ptrdiff_t>(a),
                                         [&](const SweepAxis& b) { return b.link == axes[a].link; });
    if (!first_of_link) continue;  // a linked axis moves with the first of its link: one chart for all
    const std::string suffix = a == 0 ? "" : "-" + std::to_string(a);
    o << "<section><h2>Against " << xml_escape(axes[a].key) << "</h2>\n"
      << curve(doc, axes, a, "sweep-step-time" + suffix, "step_time_s", "step time", Measure::kSeconds)
      << curve(doc, axes, a, "sweep-throughput" + suffix, "tokens_per_s", "throughput", Measure::kTokensPerS)
      << "</section>\n";
  }
  o << "<section><h2>Where the step time goes</h2>\n" << breakdown(doc) << "</section>\n";
  o << "<section><h2>All points</h2>\n" << table(doc, axes);
  if (!doc.at("missing").empty())
    o << "<p class=\"note\">Missing points (no shard produced them): " << xml_escape(doc.at("missing").dump())
      << "</p>\n";
  o << "<p class=\"note\">Shards merged: " << xml_escape(doc.at("shards").dump())
    << ". The complete simulation output of every point is embedded in this file (script#moesim-data).</p>\n"
    << "</section>\n</main>\n";
  return html_page(title, o.str(), doc);
}

}  // namespace moesim::reports
