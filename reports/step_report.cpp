// moesim — the step report as HTML (with SVG) and Markdown.
#include "reports/step_report.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "reports/comparison.h"
#include "reports/html_page.h"
#include "reports/report_units.h"
#include "reports/step_tables.h"
#include "reports/svg_chart.h"
#include "reports/svg_timeline.h"
#include "workloads/config_error.h"

namespace moesim::reports {
namespace {

std::string html_table(const ReportTable& t) {
  std::ostringstream o;
  o << "<section><h2>" << xml_escape(t.title) << "</h2>\n<table id=\"" << t.id << "\">\n<tr>";
  for (const auto& h : t.header) o << "<th>" << xml_escape(h) << "</th>";
  o << "</tr>\n";
  for (const auto& row : t.rows) {
    o << "<tr>";
    for (std::size_t c = 0; c < row.size(); ++c) {
      const auto& cell = row[c];
      if (c == 0 || !cell.numeric)
        o << "<td>" << xml_escape(cell.text) << "</td>";
      else if (!cell.key.empty())
        o << html_value_cell(cell.key, "step", cell.value, cell.text);
      else if (cell.value)
        o << "<td class=\"num\" data-value=\"" << exact_number(*cell.value) << "\">" << xml_escape(cell.text)
          << "</td>";
      else
        o << "<td class=\"num\">" << xml_escape(cell.text) << "</td>";
    }
    o << "</tr>\n";
  }
  o << "</table>\n";
  if (!t.note.empty()) o << "<p class=\"note\">" << xml_escape(t.note) << "</p>\n";
  o << "</section>\n";
  return o.str();
}

std::string seconds(double v) {
  return format_value(Measure::kSeconds, v);
}

std::string breakdown_chart(const nlohmann::json& r) {
  StackedBarChart c;
  c.id = "breakdown";
  c.title = "Step time by activity (mean over devices)";
  c.format = seconds;
  StackedBarChart::Bar bar{"step", {}};
  for (const auto& [key, label] : breakdown_components()) {
    c.segment_names.push_back(label);
    bar.values.push_back(number_at(r, "breakdown_s." + key).value_or(0.0));
  }
  c.bars.push_back(bar);
  return render_svg(c);
}

std::string waits_chart(const nlohmann::json& r) {
  StackedBarChart c;
  c.id = "exposed-idle";
  c.title = "Exposed communication per communicator, idle time by cause";
  c.format = seconds;
  const std::vector<std::string> comms = {"ep", "tp", "dp", "expert_dp", "weight_gather", "pp"};
  c.segment_names = {
      "EP", "TP", "DP", "expert DP", "weight gather", "PP", "collective wait", "pipeline bubble"};
  StackedBarChart::Bar exposed{"exposed communication", {}},
      idle{"idle", std::vector<double>(comms.size(), 0)};
  for (const auto& k : comms)
    exposed.values.push_back(number_at(r, "exposed_comm_by_communicator_s." + k).value_or(0));
  for (const char* k : {"collective_wait_s", "pipeline_bubble_s"})
    idle.values.push_back(number_at(r, std::string("idle_by_cause_s.") + k).value_or(0));
  c.bars = {exposed, idle};
  return render_svg(c);
}

std::string memory_chart(const nlohmann::json& r) {
  StackedBarChart c;
  c.id = "memory";
  c.title = "Memory per device against the accelerator's HBM";
  c.format = [](double v) { return format_value(Measure::kBytes, v); };
  StackedBarChart::Bar bar{"one device", {}};
  for (const auto& [key, label] : memory_components()) {
    c.segment_names.push_back(label);
    bar.values.push_back(number_at(r, "memory_bytes_per_device." + key).value_or(0.0));
  }
  const double used = number_at(r, "memory_bytes_per_device.total").value_or(0.0);
  c.segment_names.push_back("free HBM");
  bar.values.push_back(std::max(0.0, number_at(r, "hbm_bytes").value_or(0.0) - used));
  c.bars.push_back(bar);
  return render_svg(c);
}

std::string tiers_chart(const nlohmann::json& r) {
  const auto names = a2a_tiers(r, nlohmann::json::object());
  if (names.empty()) return "";
  GroupedBarChart c;
  c.id = "a2a-tiers";
  c.title = "All-to-all bytes per step on each link tier (link crossings)";
  c.format = [](double v) { return format_value(Measure::kBytes, v); };
  c.categories = names;
  c.series = {"all-to-all"};
  c.values.assign(1, {});
  for (const auto& t : names) c.values[0].push_back(tier_bytes(r, t).value_or(0.0));
  return render_svg(c);
}

/// "0, 8, 16" — the traced ranks, in timeline order.
std::string traced_ranks(const std::vector<sim::TimelineOp>& timeline) {
  std::set<int> ranks;
  for (const auto& op : timeline) ranks.insert(op.real_device);
  std::string out;
  for (const int r : ranks) out += (out.empty() ? "" : ", ") + std::to_string(r);
  return out;
}

std::string timeline_note(const nlohmann::json& r, const std::vector<sim::TimelineOp>& timeline) {
  const auto devices = number_at(r, "devices"), simulated = number_at(r, "simulated_devices");
  std::string note = std::to_string(timeline.size()) + " ops of traced devices " + traced_ranks(timeline) +
                     " (simulation.trace_devices, or the first 8 simulated devices when it names none)";
  if (devices && simulated && *simulated > 0)
    note += "; each simulated device stands for " + format_number(*devices / *simulated) + " devices";
  return note + ". Hover over a bar for the op, its times, bytes, peers and algorithm.";
}

std::string title_of(const nlohmann::json& r) {
  return "Step report: " + string_at(r, "scenario") + " (" + string_at(r, "model") + ")";
}

std::string header_line(const nlohmann::json& r) {
  const auto step = number_at(r, "step_time_s");
  return string_at(r, "cluster") + ": " + string_at(r, "devices") + " × " + string_at(r, "accelerator") +
         "; step time " + (step ? seconds(*step) : std::string("n/a")) + ".";
}

std::string md_escape(const std::string& s) {
  std::string out;
  for (const char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::vector<TierLoadSeries> loads_of(const SimulationOutput& run) {
  return tier_load_series(run.timeline, run.link_tiers, number_at(run.result, "step_time_s").value_or(0.0));
}

}  // namespace

std::string step_report_html(const SimulationOutput& run) {
  const nlohmann::json& r = run.result;
  const auto& timeline = run.timeline;
  std::ostringstream o;
  o << "<header><h1>" << xml_escape(title_of(r)) << "</h1><p>" << xml_escape(header_line(r))
    << "</p></header>\n<main>\n<section><h2>Timeline</h2>\n";
  const auto step = number_at(r, "step_time_s").value_or(0.0);
  if (timeline.empty())
    o << "<p class=\"note\">No timeline was kept for this run.</p>\n";
  else
    o << render_timeline_svg(timeline, step) << "<p class=\"note\">" << xml_escape(timeline_note(r, timeline))
      << "</p>\n";
  o << "</section>\n<section><h2>Breakdown</h2>\n" << breakdown_chart(r) << waits_chart(r) << "</section>\n";
  const std::string tiers = tiers_chart(r);
  if (!tiers.empty()) o << "<section><h2>Link tiers</h2>\n" << tiers << "</section>\n";
  o << "<section><h2>Memory</h2>\n" << memory_chart(r) << "</section>\n";
  for (const auto& t : step_tables(r, loads_of(run))) o << html_table(t);
  o << "<section><h2>How these numbers were produced</h2>\n<p class=\"note\">" << xml_escape(provenance(r))
    << ". The complete simulation output is embedded in this file (script#moesim-data).</p>\n</section>\n"
    << "</main>\n";
  return html_page(title_of(r), o.str(), r);
}

std::string step_report_markdown(const SimulationOutput& run) {
  const nlohmann::json& r = run.result;
  const auto& timeline = run.timeline;
  std::ostringstream o;
  o << "# " << title_of(r) << "\n\n" << header_line(r) << "\n\n";
  if (!timeline.empty())
    o << "Timeline (in the HTML report and --trace): " << timeline_note(r, timeline) << "\n\n";
  for (const auto& t : step_tables(r, loads_of(run))) {
    o << "## " << t.title << "\n\n|";
    for (const auto& h : t.header) o << ' ' << md_escape(h) << " |";
    o << "\n|";
    for (std::size_t c = 0; c < t.header.size(); ++c) o << (c ? "---:|" : "---|");
    o << "\n";
    for (const auto& row : t.rows) {
      o << "|";
      for (const auto& cell : row) o << ' ' << md_escape(cell.text) << " |";
      o << "\n";
    }
    o << "\n";
    if (!t.note.empty()) o << t.note << "\n\n";
  }
  o << "Produced by " << provenance(r) << ".\n";
  return o.str();
}

void check_step_report_path(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  for (const char* ok : {".md", ".markdown", ".html", ".htm"})
    if (ext == ok) return;
  throw ConfigError(path, 0, "--report", "a file name ending in .html or .md");
}

void write_step_report(const std::string& path, const SimulationOutput& run) {
  check_step_report_path(path);
  const std::string ext = std::filesystem::path(path).extension().string();
  const std::string text =
      ext == ".html" || ext == ".htm" ? step_report_html(run) : step_report_markdown(run);
  std::ofstream out(path, std::ios::binary);
  if (!out) throw ConfigError(path, 0, "--report", "a file that can be written (does its directory exist?)");
  out << text;
  if (!out) throw ConfigError(path, 0, "--report", "a file that can be written");
}

}  // namespace moesim::reports
