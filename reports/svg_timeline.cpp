// moesim — the step timeline (Gantt chart) as SVG.
#include "reports/svg_timeline.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "reports/report_units.h"
#include "reports/svg_chart.h"

namespace moesim::reports {
namespace {

constexpr double kWidth = 960, kLeft = 190, kRight = 40, kTop = 74, kRowH = 14, kRowGap = 3, kRankGap = 12;
constexpr const char* kFont = kSvgFont;

std::string num(double v) {
  return svg_number(v);
}

std::string text(double x, double y, const std::string& s, const char* anchor = "start",
                 const char* extra = "fill=\"#333\"") {
  std::ostringstream o;
  o << "<text x=\"" << num(x) << "\" y=\"" << num(y) << "\" text-anchor=\"" << anchor << "\" " << extra << ">"
    << xml_escape(s) << "</text>\n";
  return o.str();
}

std::string op_name(const sim::TimelineOp& op) {
  std::string name(sim::category_name(op.category));
  if (op.layer >= 0) name += " L" + std::to_string(op.layer);
  if (op.backward) name += " bwd";
  return name;
}

std::string tooltip(const sim::TimelineOp& op) {
  std::string t = "device " + std::to_string(op.real_device) + ", " +
                  std::string(sim::stream_name(op.stream)) + ": " + op_name(op) + " (micro-batch " +
                  std::to_string(op.micro_batch) + "): " + format_value(Measure::kSeconds, op.start_s) +
                  " to " + format_value(Measure::kSeconds, op.end_s) + " (" +
                  format_value(Measure::kSeconds, op.end_s - op.start_s) + ")";
  if (sim::is_communication(op.category)) {
    t += "; " + format_value(Measure::kBytes, op.bytes) + ", " + std::to_string(op.peers) + " peers, " +
         (op.algorithm.empty() ? std::string("n/a") : op.algorithm);
  }
  return t;
}

std::string legend(const std::set<int>& groups) {
  std::ostringstream o;
  double x = 10;
  for (const int g : groups) {
    const auto group = static_cast<TimelineGroup>(g);
    const std::string label = timeline_group_label(group);
    o << "<rect x=\"" << num(x) << "\" y=\"32\" width=\"12\" height=\"12\" fill=\""
      << timeline_group_colour(group) << "\"/>\n"
      << text(x + 16, 42, label);
    x += 28 + 6.5 * static_cast<double>(label.size());
  }
  return o.str();
}

/// Grid lines and tick labels of the time axis under rows ending at `bottom`.
std::string time_axis(double step_time_s, double bottom) {
  const AxisScale axis = nice_axis(step_time_s);
  const double plot_w = kWidth - kLeft - kRight;
  std::ostringstream o;
  for (double t = 0; t <= axis.max * (1 + 1e-9); t += axis.step) {
    const double x = kLeft + plot_w * t / axis.max;
    o << "<line x1=\"" << num(x) << "\" y1=\"" << num(kTop - 4) << "\" x2=\"" << num(x) << "\" y2=\""
      << num(bottom) << "\" stroke=\"#ddd\"/>\n"
      << text(x, bottom + 16, format_value(Measure::kSeconds, t), "middle", "fill=\"#555\"");
  }
  const double end = kLeft + plot_w * step_time_s / axis.max;
  o << "<line class=\"step-end\" x1=\"" << num(end) << "\" y1=\"" << num(kTop - 10) << "\" x2=\"" << num(end)
    << "\" y2=\"" << num(bottom) << "\" stroke=\"#222\" stroke-dasharray=\"4 3\"/>\n"
    << text(end, kTop - 12, "step " + format_value(Measure::kSeconds, step_time_s), "middle",
            "fill=\"#222\"");
  return o.str();
}

}  // namespace

TimelineGroup timeline_group(sim::OpCategory category) {
  using C = sim::OpCategory;
  switch (category) {
    case C::kGating:
    case C::kPermute:
    case C::kExpertFfn:
      return TimelineGroup::kExpertCompute;
    case C::kOptimizer:
      return TimelineGroup::kOptimizer;
    case C::kA2aDispatch:
    case C::kA2aCombine:
      return TimelineGroup::kAllToAll;
    case C::kTpAllReduce:
    case C::kTpGather:
      return TimelineGroup::kTpAllReduce;
    case C::kDpAllReduce:
    case C::kExpertAllReduce:
      return TimelineGroup::kGradReduce;
    case C::kParamAllGather:
      return TimelineGroup::kWeightGather;
    case C::kPipelineP2p:
      return TimelineGroup::kPipelineP2p;
    default:
      return TimelineGroup::kDenseCompute;
  }
}

const char* timeline_group_label(TimelineGroup group) {
  static const char* kLabels[] = {"dense compute", "expert compute", "optimizer",     "all-to-all",
                                  "TP all-reduce", "gradient sync",  "weight gather", "pipeline p2p"};
  return kLabels[static_cast<int>(group) % static_cast<int>(TimelineGroup::kCount)];
}

const char* timeline_group_colour(TimelineGroup group) {
  // Indices into the report palette: compute in blues, and the communication colours of the step-time
  // breakdown chart (all-to-all green, all-reduce vermillion, pipeline p2p pink).
  static const std::size_t kPaletteIndex[] = {0, 5, 7, 2, 1, 3, 6, 4};
  return palette_colour(kPaletteIndex[static_cast<int>(group) % static_cast<int>(TimelineGroup::kCount)]);
}

std::vector<TimelineRow> timeline_rows(const std::vector<sim::TimelineOp>& ops) {
  std::set<std::pair<int, int>> used;
  for (const auto& op : ops) used.emplace(op.real_device, static_cast<int>(op.stream));
  std::vector<TimelineRow> rows;
  for (const auto& [rank, stream] : used) rows.push_back({rank, static_cast<sim::Stream>(stream)});
  return rows;
}

std::string render_timeline_svg(const std::vector<sim::TimelineOp>& ops, double step_time_s) {
  const auto rows = timeline_rows(ops);
  std::map<std::pair<int, int>, double> row_y;
  std::ostringstream body;
  double y = kTop;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const bool first = r == 0 || rows[r].rank != rows[r - 1].rank;
    if (first && r > 0) y += kRankGap;
    if (first)
      body << text(10, y + kRowH - 3, "device " + std::to_string(rows[r].rank), "start",
                   "fill=\"#111\" font-weight=\"bold\"");
    body << "<rect x=\"" << num(kLeft) << "\" y=\"" << num(y) << "\" width=\"" << num(kWidth - kLeft - kRight)
         << "\" height=\"" << num(kRowH) << "\" fill=\"#f3f4f6\"/>\n"
         << text(kLeft - 6, y + kRowH - 3, std::string(sim::stream_name(rows[r].stream)), "end");
    row_y[{rows[r].rank, static_cast<int>(rows[r].stream)}] = y;
    y += kRowH + kRowGap;
  }
  const double bottom = y;
  const AxisScale axis = nice_axis(step_time_s);
  const double scale = (kWidth - kLeft - kRight) / axis.max;
  std::set<int> groups;
  std::ostringstream bars;
  for (const auto& op : ops) {
    const auto group = timeline_group(op.category);
    groups.insert(static_cast<int>(group));
    const double x = kLeft + op.start_s * scale, w = std::max(0.5, (op.end_s - op.start_s) * scale);
    bars << "<rect class=\"op\" x=\"" << num(x) << "\" y=\""
         << num(row_y[{op.real_device, static_cast<int>(op.stream)}]) << "\" width=\"" << num(w)
         << "\" height=\"" << num(kRowH) << "\" fill=\"" << timeline_group_colour(group) << "\" data-rank=\""
         << op.real_device << "\" data-stream=\"" << xml_escape(sim::stream_name(op.stream))
         << "\" data-category=\"" << sim::category_name(op.category) << "\" data-start-s=\""
         << exact_number(op.start_s) << "\" data-end-s=\"" << exact_number(op.end_s) << "\"><title>"
         << xml_escape(tooltip(op)) << "</title></rect>\n";
  }
  const double height = bottom + 30;
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"timeline\" width=\""
    << num(kWidth) << "\" height=\"" << num(height) << "\" viewBox=\"0 0 " << num(kWidth) << ' '
    << num(height) << "\" role=\"img\" " << kFont
    << ">\n<title>Timeline of the traced devices' streams</title>\n"
    << text(10, 20, "Timeline of one step: each traced device's streams", "start",
            "font-size=\"15\" font-weight=\"bold\" fill=\"#222\"")
    << legend(groups) << body.str() << time_axis(step_time_s, bottom) << bars.str() << "</svg>\n";
  return o.str();
}

}  // namespace moesim::reports
