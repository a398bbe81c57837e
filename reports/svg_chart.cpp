// moesim — SVG charts: stacked bars, grouped bars, lines.
#include "reports/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "reports/report_units.h"

namespace moesim::reports {
namespace {

constexpr double kWidth = 960;
constexpr const char* kFont = kSvgFont;

std::string num(double v) {
  return svg_number(v);
}

std::string open_svg(const std::string& id, double height, const std::string& title) {
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"" << xml_escape(id)
    << "\" width=\"" << num(kWidth) << "\" height=\"" << num(height) << "\" viewBox=\"0 0 " << num(kWidth)
    << ' ' << num(height) << "\" role=\"img\" " << kFont << ">\n<title>" << xml_escape(title) << "</title>\n"
    << "<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\" fill=\"#222\">" << xml_escape(title)
    << "</text>\n";
  return o.str();
}

std::string text(double x, double y, const std::string& s, const char* anchor = "start",
                 const char* fill = "#333") {
  std::ostringstream o;
  o << "<text x=\"" << num(x) << "\" y=\"" << num(y) << "\" text-anchor=\"" << anchor << "\" fill=\"" << fill
    << "\">" << xml_escape(s) << "</text>\n";
  return o.str();
}

std::string legend(const std::vector<std::string>& names, double y) {
  std::ostringstream o;
  double x = 10;
  for (std::size_t i = 0; i < names.size(); ++i) {
    o << "<rect x=\"" << num(x) << "\" y=\"" << num(y - 10) << "\" width=\"12\" height=\"12\" fill=\""
      << palette_colour(i) << "\"/>\n"
      << text(x + 16, y, names[i]);
    x += 28 + 7.0 * static_cast<double>(names[i].size());
  }
  return o.str();
}

std::string format_or_number(const ValueFormatter& f, double v) {
  return f ? f(v) : format_number(v);
}

}  // namespace

std::string svg_number(double v) {
  std::ostringstream o;
  o.precision(6);
  o << v;
  return o.str();
}

const char* palette_colour(std::size_t i) {
  static const char* kColours[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                   "#CC79A7", "#56B4E9", "#F0E442", "#999999"};
  return kColours[i % (sizeof kColours / sizeof kColours[0])];
}

AxisScale nice_axis(double value, int ticks) {
  if (!(value > 0) || !std::isfinite(value)) return {};
  const double raw = value / ticks;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * p;
  for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * p >= raw * (1 - 1e-12)) {
      step = m * p;
      break;
    }
  }
  return {step * std::ceil(value / step - 1e-9), step};
}

std::string render_svg(const StackedBarChart& chart) {
  constexpr double kLeft = 200, kRight = 60, kTop = 58, kBarH = 30, kGap = 14;
  const double height = kTop + static_cast<double>(chart.bars.size()) * (kBarH + kGap) + 40;
  double max_total = 0;
  for (const auto& b : chart.bars) {
    double t = 0;
    for (const double v : b.values) t += std::max(0.0, v);
    max_total = std::max(max_total, t);
  }
  const AxisScale axis = nice_axis(max_total);
  const double plot_w = kWidth - kLeft - kRight;
  std::ostringstream o;
  o << open_svg(chart.id, height, chart.title) << legend(chart.segment_names, 42);
  const double axis_y = kTop + static_cast<double>(chart.bars.size()) * (kBarH + kGap);
  for (double t = 0; t <= axis.max * (1 + 1e-9); t += axis.step) {
    const double x = kLeft + plot_w * t / axis.max;
    o << "<line x1=\"" << num(x) << "\" y1=\"" << num(kTop - 4) << "\" x2=\"" << num(x) << "\" y2=\""
      << num(axis_y) << "\" stroke=\"#ddd\"/>\n"
      << text(x, axis_y + 16, format_or_number(chart.format, t), "middle", "#555");
  }
  for (std::size_t b = 0; b < chart.bars.size(); ++b) {
    const auto& bar = chart.bars[b];
    const double y = kTop + static_cast<double>(b) * (kBarH + kGap);
    o << text(kLeft - 8, y + kBarH / 2 + 4, bar.label, "end");
    double x = kLeft, total = 0;
    for (std::size_t s = 0; s < bar.values.size(); ++s) {
      const double v = std::max(0.0, bar.values[s]);
      total += v;
      const double w = plot_w * v / axis.max;
      const std::string name = s < chart.segment_names.size() ? chart.segment_names[s] : "";
      o << "<rect class=\"bar\" x=\"" << num(x) << "\" y=\"" << num(y) << "\" width=\"" << num(w)
        << "\" height=\"" << num(kBarH) << "\" fill=\"" << palette_colour(s) << "\" data-series=\""
        << xml_escape(name) << "\" data-value=\"" << exact_number(bar.values[s]) << "\"><title>"
        << xml_escape(bar.label + " — " + name + ": " + format_or_number(chart.format, v))
        << "</title></rect>\n";
      x += w;
    }
    o << text(x + 4, y + kBarH / 2 + 4, format_or_number(chart.format, total), "start", "#111");
  }
  o << "</svg>\n";
  return o.str();
}

std::string render_svg(const GroupedBarChart& chart) {
  constexpr double kLeft = 110, kRight = 20, kTop = 58, kPlotH = 220, kBottom = 50;
  const double height = kTop + kPlotH + kBottom;
  double max_v = 0;
  for (const auto& s : chart.values)
    for (const double v : s) max_v = std::max(max_v, v);
  const AxisScale axis = nice_axis(max_v);
  const double plot_w = kWidth - kLeft - kRight;
  const double group_w = plot_w / static_cast<double>(std::max<std::size_t>(1, chart.categories.size()));
  const double bar_w =
      std::min(100.0, group_w * 0.8 / static_cast<double>(std::max<std::size_t>(1, chart.series.size())));
  std::ostringstream o;
  o << open_svg(chart.id, height, chart.title) << legend(chart.series, 42);
  const double base = kTop + kPlotH;
  for (double t = 0; t <= axis.max * (1 + 1e-9); t += axis.step) {
    const double y = base - kPlotH * t / axis.max;
    o << "<line x1=\"" << num(kLeft) << "\" y1=\"" << num(y) << "\" x2=\"" << num(kWidth - kRight)
      << "\" y2=\"" << num(y) << "\" stroke=\"#ddd\"/>\n"
      << text(kLeft - 6, y + 4, format_or_number(chart.format, t), "end", "#555");
  }
  for (std::size_t c = 0; c < chart.categories.size(); ++c) {
    const double gx = kLeft + group_w * static_cast<double>(c);
    const double start = gx + (group_w - bar_w * static_cast<double>(chart.series.size())) / 2;
    for (std::size_t s = 0; s < chart.series.size(); ++s) {
      const double v = c < chart.values[s].size() ? chart.values[s][c] : 0.0;
      const double h = kPlotH * std::max(0.0, v) / axis.max;
      const double x = start + bar_w * static_cast<double>(s);
      o << "<rect class=\"bar\" x=\"" << num(x) << "\" y=\"" << num(base - h) << "\" width=\""
        << num(bar_w - 2) << "\" height=\"" << num(h) << "\" fill=\"" << palette_colour(s)
        << "\" data-series=\"" << xml_escape(chart.series[s]) << "\" data-value=\"" << exact_number(v)
        << "\"><title>"
        << xml_escape(chart.categories[c] + " — " + chart.series[s] + ": " +
                      format_or_number(chart.format, v))
        << "</title></rect>\n"
        << text(x + bar_w / 2 - 1, base - h - 4, format_or_number(chart.format, v), "middle", "#111");
    }
    o << text(gx + group_w / 2, base + 18, chart.categories[c], "middle");
  }
  o << "<line x1=\"" << num(kLeft) << "\" y1=\"" << num(base) << "\" x2=\"" << num(kWidth - kRight)
    << "\" y2=\"" << num(base) << "\" stroke=\"#333\"/>\n</svg>\n";
  return o.str();
}

std::string render_svg(const LineChart& chart) {
  constexpr double kLeft = 140, kRight = 30, kTop = 58, kPlotH = 240, kBottom = 50;
  const double height = kTop + kPlotH + kBottom;
  double x_min = INFINITY, x_max = -INFINITY, y_max = 0;
  bool log_x = chart.log2_x;
  for (const auto& s : chart.series)
    for (const auto& [x, y] : s.points) {
      x_min = std::min(x_min, x);
      x_max = std::max(x_max, x);
      y_max = std::max(y_max, y);
      if (x <= 0) log_x = false;
    }
  if (!std::isfinite(x_min)) x_min = 0, x_max = 1;
  const auto fx = [&](double x) { return log_x ? std::log2(x) : x; };
  double lo = fx(x_min), hi = fx(x_max);
  if (hi <= lo) lo -= 0.5, hi += 0.5;
  const AxisScale axis = nice_axis(y_max);
  const double plot_w = kWidth - kLeft - kRight, base = kTop + kPlotH;
  const auto px = [&](double x) { return kLeft + plot_w * (fx(x) - lo) / (hi - lo); };
  const auto py = [&](double y) { return base - kPlotH * y / axis.max; };
  std::vector<std::string> names;
  for (const auto& s : chart.series) names.push_back(s.name);
  std::ostringstream o;
  o << open_svg(chart.id, height, chart.title) << legend(names, 42);
  for (double t = 0; t <= axis.max * (1 + 1e-9); t += axis.step) {
    o << "<line x1=\"" << num(kLeft) << "\" y1=\"" << num(py(t)) << "\" x2=\"" << num(kWidth - kRight)
      << "\" y2=\"" << num(py(t)) << "\" stroke=\"#ddd\"/>\n"
      << text(kLeft - 6, py(t) + 4, format_or_number(chart.format, t), "end", "#555");
  }
  std::vector<double> xs;
  for (const auto& s : chart.series)
    for (const auto& p : s.points) xs.push_back(p.first);
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  for (const double x : xs)
    o << text(px(x), base + 18,
              x == std::round(x)
                  ? format_number(x, 1 + static_cast<int>(std::log10(std::max(1.0, std::fabs(x)))))
                  : format_number(x, 4),
              "middle", "#555");
  o << text(kLeft + plot_w / 2, base + 38, chart.x_label, "middle") << "<text x=\"16\" y=\""
    << num(kTop + kPlotH / 2) << "\" text-anchor=\"middle\" transform=\"rotate(-90 16 "
    << num(kTop + kPlotH / 2) << ")\" fill=\"#333\">" << xml_escape(chart.y_label) << "</text>\n";
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    auto pts = chart.series[i].points;
    std::sort(pts.begin(), pts.end());
    o << "<polyline fill=\"none\" stroke-width=\"2.5\" stroke=\"" << palette_colour(i) << "\" points=\"";
    for (const auto& [x, y] : pts) o << num(px(x)) << ',' << num(py(y)) << ' ';
    o << "\"/>\n";
    for (const auto& [x, y] : pts)
      o << "<circle class=\"point\" cx=\"" << num(px(x)) << "\" cy=\"" << num(py(y)) << "\" r=\"4\" fill=\""
        << palette_colour(i) << "\" data-series=\"" << xml_escape(chart.series[i].name) << "\" data-x=\""
        << exact_number(x) << "\" data-value=\"" << exact_number(y) << "\"><title>"
        << xml_escape(chart.series[i].name + " @ " + format_number(x) + ": " +
                      format_or_number(chart.format, y))
        << "</title></circle>\n";
  }
  o << "<line x1=\"" << num(kLeft) << "\" y1=\"" << num(base) << "\" x2=\"" << num(kWidth - kRight)
    << "\" y2=\"" << num(base) << "\" stroke=\"#333\"/>\n</svg>\n";
  return o.str();
}

}  // namespace moesim::reports
