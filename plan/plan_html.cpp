#include "plan/plan_html.h"

#include <fstream>
#include <sstream>

#include "plan/plan_format.h"
#include "plan/plan_json.h"
#include "plan/scatter_chart.h"
#include "reports/comparison.h"
#include "reports/html_page.h"
#include "reports/report_units.h"
#include "reports/svg_chart.h"
#include "workloads/config_error.h"

namespace moesim::plan {
namespace {

using reports::format_value;
using reports::Measure;
using reports::number_at;
using reports::xml_escape;

constexpr std::size_t kTagged = 5;  // points labelled with their rank

std::string rank_tag(std::size_t rank) {
  std::string s(1, '#');
  s += std::to_string(rank);
  return s;
}

/// The short label without the data degree (devices / (T × P)), so that it fits left of a bar.
std::string bar_label(const Layout& layout, bool with_devices) {
  std::string s = layout.short_label(with_devices);
  const auto d = s.find(" D");
  if (d != std::string::npos) s.erase(d, s.find(' ', d + 1) - d);
  return s;
}

std::string devices_text(const nlohmann::json& doc) {
  std::string s;
  for (const auto& n : doc.at("devices"))
    s += (s.empty() ? "" : " or ") + std::to_string(n.get<std::int64_t>());
  return s;
}

std::string label_of(const nlohmann::json& l, bool with_devices) {
  return layout_from_json(l, "plan document").label(with_devices);
}

/// Step time (log axis) against `y_key` of every simulated layout, its front `front_key` highlighted.
std::string pareto_chart(const nlohmann::json& doc, const std::string& id, const std::string& y_key,
                         const std::string& front_key, const std::string& y_name, const std::string& y_unit,
                         const reports::ValueFormatter& y_format) {
  const bool many = doc.at("devices").size() > 1;
  ScatterChart c;
  c.id = id;
  c.title = "Step time vs " + y_name + " (" + std::to_string(doc.at("layouts").size()) + " layouts)";
  c.x_label = "step time (log scale)";
  c.y_label = y_name + " (" + y_unit + (c.log_y ? ", log scale)" : ")");
  c.log_x = true;
  c.log_y = y_key != "memory_bytes_per_device";  // energy and cost grow with the step time
  c.x_format = [](double v) { return format_value(Measure::kSeconds, v); };
  c.y_format = y_format;
  for (const auto& l : doc.at("layouts")) {
    const auto y = number_at(l, y_key);
    if (!y) continue;
    const auto rank = l.at("rank").get<std::size_t>();
    c.points.push_back({l.at("step_time_s").get<double>(), *y, rank_tag(rank) + " " + label_of(l, many),
                        rank <= kTagged ? rank_tag(rank) : "", l.at(front_key).get<bool>()});
  }
  if (y_key == "memory_bytes_per_device" && !doc.at("layouts").empty()) {
    c.y_limit = doc.at("layouts").front().at("hbm_bytes").get<double>();
    c.y_limit_label = "HBM of one " + doc.at("accelerator").get<std::string>() + ": " +
                      format_value(Measure::kBytes, *c.y_limit);
  }
  return render_svg(c);
}

std::string breakdown_chart(const nlohmann::json& doc, std::size_t top) {
  reports::StackedBarChart c;
  c.id = "plan-breakdown";
  c.title = "Where the step time goes, top " + std::to_string(top) + " layouts";
  c.format = [](double v) { return format_value(Measure::kSeconds, v); };
  for (const auto& [key, label] : reports::breakdown_components()) c.segment_names.push_back(label);
  const bool many = doc.at("devices").size() > 1;
  for (std::size_t i = 0; i < top; ++i) {
    const auto& l = doc.at("layouts")[i];
    const Layout layout = layout_from_json(l, "plan document");
    reports::StackedBarChart::Bar bar{rank_tag(i + 1) + " " + bar_label(layout, many), {}};
    for (const auto& [key, label] : reports::breakdown_components())
      bar.values.push_back(number_at(l, "breakdown_s." + key).value_or(0.0));
    c.bars.push_back(bar);
  }
  return reports::render_svg(c);
}

std::string table(const nlohmann::json& doc, std::size_t top) {
  struct Column {
    const char* key;
    const char* label;
    Measure measure;
  };
  static const Column kColumns[] = {
      {"step_time_s", "step time", Measure::kSeconds},
      {"mfu", "MFU", Measure::kFraction},
      {"memory_bytes_per_device", "memory / device", Measure::kBytes},
      {"exposed_s.all_to_all", "exposed all-to-all", Measure::kSeconds},
      {"exposed_s.all_reduce", "exposed all-reduce", Measure::kSeconds},
      {"exposed_s.pipeline_p2p", "pipeline p2p", Measure::kSeconds},
      {"energy_j_per_step", "energy / step", Measure::kJoules},  // shown with format_energy
      {"cost_usd_run", "cost of the run", Measure::kUsd},
  };
  const bool many = doc.at("devices").size() > 1;
  std::ostringstream o;
  o << "<table id=\"plan-top\" style=\"font-size: 13px\">\n<tr><th>#</th><th>layout</th>";
  for (const auto& c : kColumns) o << "<th>" << c.label << "</th>";
  o << "<th>on the front of time vs</th></tr>\n";
  for (std::size_t i = 0; i < top; ++i) {
    const auto& l = doc.at("layouts")[i];
    const std::string run = std::to_string(i + 1);
    const Layout layout = layout_from_json(l, "plan document");
    o << "<tr><td>" << run << "</td><td class=\"layout\" style=\"white-space: nowrap\" title=\""
      << xml_escape(layout.label(many)) << "\">" << xml_escape(layout.short_label(many)) << "</td>";
    for (const auto& c : kColumns) {
      const auto v = number_at(l, c.key);
      const std::string shown = !v                              ? ""
                                : c.measure == Measure::kJoules ? format_energy(*v)
                                                                : format_value(c.measure, *v);
      o << reports::html_value_cell(c.key, run, v, shown);
    }
    std::string pareto;
    auto flag = [&](const char* key, const char* name) {
      if (l.at(key).get<bool>()) pareto += (pareto.empty() ? "" : ", ") + std::string(name);
    };
    flag("pareto_time_memory", "memory");
    if (many) flag("pareto_time_cost", "cost");
    flag("pareto_time_energy", "energy");
    o << "<td>" << pareto << "</td></tr>\n";
  }
  o << "</table>\n<p class=\"note\">Layout: T tensor, P pipeline, E expert, D data degree, m micro-batches, "
       "v "
       "virtual stages, Z ZeRO stage, recompute mode, SP sequence parallelism (the full name is the cell's "
       "tooltip).</p>\n";
  return o.str();
}

}  // namespace

std::string plan_html(const nlohmann::json& doc) {
  const std::string title = "Plan of " + doc.at("scenario").get<std::string>();
  const auto& layouts = doc.at("layouts");
  const std::size_t top = std::min<std::size_t>(doc.at("top").get<std::size_t>(), layouts.size());
  std::ostringstream o;
  o << "<header><h1>" << xml_escape(title) << "</h1><p>" << xml_escape(doc.at("model").get<std::string>())
    << " on " << xml_escape(devices_text(doc)) << " × "
    << xml_escape(doc.at("accelerator").get<std::string>()) << " ("
    << xml_escape(doc.at("cluster").get<std::string>()) << "); objective "
    << xml_escape(doc.at("objective").get<std::string>()) << "; " << doc.at("candidate_layouts")
    << " valid layouts, " << doc.at("pruned_layouts") << " pruned by the memory model, "
    << doc.at("evaluated_layouts") << " simulated in "
    << reports::format_number(doc.at("wall_s").get<double>(), 3) << " s ("
    << xml_escape(doc.at("backend").get<std::string>()) << " network backend, moesim "
    << xml_escape(doc.at("moesim_version").get<std::string>()) << ").</p></header>\n<main>\n";
  o << "<section><h2>Best layout</h2>\n";
  if (!doc.at("best_vs_runner_up").is_null())
    o << "<p id=\"why-best\">" << xml_escape(doc.at("best_vs_runner_up").get<std::string>()) << "</p>\n";
  else if (layouts.empty())
    o << "<p id=\"why-best\">No layout fits in memory.</p>\n";
  o << "<p class=\"note\">Constraints: " << xml_escape(doc.at("constraints").get<std::string>()) << ".</p>\n"
    << "</section>\n";
  const auto bytes = [](double v) { return format_value(Measure::kBytes, v); };
  const auto usd = [](double v) { return format_value(Measure::kUsd, v); };
  const auto joules = [](double v) { return format_energy(v); };
  o << "<section><h2>Pareto fronts</h2>\n"
    << pareto_chart(doc, "plan-pareto-memory", "memory_bytes_per_device", "pareto_time_memory",
                    "memory per device", "GB", bytes);
  const bool priced = !layouts.empty() && !layouts.front().at("cost_usd_per_step").is_null();
  const bool sizes = doc.at("devices").size() > 1;
  if (priced && sizes)
    o << pareto_chart(doc, "plan-pareto-cost", "cost_usd_per_step", "pareto_time_cost", "cost per step",
                      "USD", usd);
  o << pareto_chart(doc, "plan-pareto-energy", "energy_j_per_step", "pareto_time_energy", "energy per step",
                    "J", joules);
  o << "<p class=\"note\">Numbered points are the best layouts by the objective; the dashed line is what one "
       "device holds. "
    << (priced && !sizes
            ? "On one cluster size the cost per step is the step time × devices × the price, so "
              "its front is the fastest layout alone; plan for several sizes (--devices 512,1024) "
              "to see cost against time. "
            : "")
    << "</p>\n</section>\n";
  if (top > 0)
    o << "<section><h2>Where the step time goes</h2>\n"
      << breakdown_chart(doc, top) << "</section>\n"
      << "<section><h2>Top " << top << " layouts</h2>\n"
      << table(doc, top)
      << "<p class=\"note\">Every simulated layout and its full numbers are embedded in this file "
         "(script#moesim-data).</p>\n</section>\n";
  o << "</main>\n";
  return reports::html_page(title, o.str(), doc);
}

void check_plan_html_path(const std::string& path, const std::string& option) {
  const auto dot = path.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : path.substr(dot);
  if (ext != ".html" && ext != ".htm")
    throw ConfigError(path, 0, option, "expected a file name ending in .html");
}

void write_plan_html(const std::string& path, const nlohmann::json& doc, const std::string& option) {
  check_plan_html_path(path, option);
  std::ofstream out(path);
  if (!out) throw ConfigError(path, 0, option, "cannot write the file");
  out << plan_html(doc);
}

}  // namespace moesim::plan
