#include "plan/scatter_chart.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

#include "reports/report_units.h"
#include "reports/svg_chart.h"

namespace moesim::plan {
namespace {

using reports::exact_number;
using reports::xml_escape;

constexpr double kWidth = 960, kHeight = 470;
constexpr double kLeft = 96, kRight = 30, kTop = 56, kBottom = 62;
constexpr const char* kFrontColour = "#D55E00";
constexpr const char* kPointColour = "#0072B2";

std::string num(double v) {
  return reports::svg_number(v);
}

/// An axis from below `lo` to above `hi` in nice steps.
struct Range {
  double lo = 0, hi = 1, step = 0.2;
};

Range range_of(double lo, double hi, std::optional<double> also = std::nullopt) {
  if (also) lo = std::min(lo, *also), hi = std::max(hi, *also);
  if (!(hi > lo)) {
    const double pad = lo != 0 ? std::fabs(lo) * 0.1 : 1.0;
    lo -= pad, hi += pad;
  }
  const double step = reports::nice_axis(hi - lo, 5).step;
  Range r{std::floor(lo / step) * step, std::ceil(hi / step) * step, step};
  if (r.hi - r.lo < 1e-12) r.hi = r.lo + step;
  return r;
}

/// 1, 2, 5 × 10^k ticks covering [lo, hi] (lo > 0): the last one at or below lo to the first at or above hi.
std::vector<double> log_ticks(double lo, double hi) {
  std::vector<double> out;
  for (double decade = std::pow(10.0, std::floor(std::log10(lo))); out.empty() || out.back() < hi;
       decade *= 10)
    for (const double m : {1.0, 2.0, 5.0}) {
      const double t = m * decade;
      if (t <= lo * (1 + 1e-12)) out.clear();
      out.push_back(t);
      if (t >= hi) break;
    }
  if (out.size() < 2) out.push_back(out.back() * 2);
  return out;
}

std::string label_or_number(const reports::ValueFormatter& f, double v) {
  return f ? f(v) : reports::format_number(v);
}

std::string text(double x, double y, const std::string& s, const char* anchor, const char* fill,
                 const char* extra = "") {
  std::ostringstream o;
  o << "<text x=\"" << num(x) << "\" y=\"" << num(y) << "\" text-anchor=\"" << anchor << "\" fill=\"" << fill
    << "\"" << extra << ">" << xml_escape(s) << "</text>\n";
  return o.str();
}

/// Where a value lands on the chart: the axes' ranges and ticks and the mapping to pixels.
struct Frame {
  bool log_x = false, log_y = false;
  std::vector<double> x_ticks, y_ticks;  ///< first and last are the ends of the axes
  double pw = kWidth - kLeft - kRight, ph = kHeight - kTop - kBottom, base = kHeight - kBottom;
  static double along(double v, const std::vector<double>& ticks, bool log) {
    const double lo = ticks.front(), hi = ticks.back();
    return log ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) : (v - lo) / (hi - lo);
  }
  double px(double x) const { return kLeft + pw * along(x, x_ticks, log_x); }
  double py(double y) const { return base - ph * along(y, y_ticks, log_y); }
};

/// Ticks of one axis over [lo, hi]: 1-2-5 decades when logarithmic, else nice linear steps (including
/// `also`, e.g. a limit line, in the range).
std::vector<double> axis_ticks(double lo, double hi, bool log, std::optional<double> also = std::nullopt) {
  if (also) lo = std::min(lo, *also), hi = std::max(hi, *also);
  if (log) return log_ticks(lo, hi);
  const Range r = range_of(lo, hi);
  std::vector<double> out;
  for (int i = 0; r.lo + i * r.step <= r.hi * (1 + 1e-9) + 1e-300; ++i) out.push_back(r.lo + i * r.step);
  return out;
}

Frame frame_of(const ScatterChart& c) {
  double x_lo = INFINITY, x_hi = -INFINITY, y_lo = INFINITY, y_hi = -INFINITY;
  for (const auto& p : c.points) {
    x_lo = std::min(x_lo, p.x), x_hi = std::max(x_hi, p.x);
    y_lo = std::min(y_lo, p.y), y_hi = std::max(y_hi, p.y);
  }
  if (c.points.empty()) x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  Frame f;
  f.log_x = c.log_x && x_lo > 0;
  f.log_y = c.log_y && y_lo > 0 && !c.y_limit;
  f.x_ticks = axis_ticks(x_lo, x_hi, f.log_x);
  f.y_ticks = axis_ticks(y_lo, y_hi, f.log_y, c.y_limit);
  return f;
}

/// Title, legend, grid lines with their labels, axis names and the limit line.
void draw_frame(std::ostringstream& o, const ScatterChart& c, const Frame& f) {
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"" << xml_escape(c.id)
    << "\" width=\"" << num(kWidth) << "\" height=\"" << num(kHeight) << "\" viewBox=\"0 0 " << num(kWidth)
    << ' ' << num(kHeight) << "\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">\n<title>"
    << xml_escape(c.title) << "</title>\n"
    << text(10, 20, c.title, "start", "#222", " font-size=\"15\" font-weight=\"bold\"");
  o << "<circle cx=\"16\" cy=\"38\" r=\"4\" fill=\"" << kPointColour << "\" fill-opacity=\"0.45\"/>\n"
    << text(26, 42, "simulated layout", "start", "#333") << "<circle cx=\"156\" cy=\"38\" r=\"5\" fill=\""
    << kFrontColour << "\"/>\n"
    << text(166, 42, "Pareto front (nothing is better on both axes)", "start", "#333");
  for (const double t : f.x_ticks)
    o << "<line x1=\"" << num(f.px(t)) << "\" y1=\"" << num(kTop) << "\" x2=\"" << num(f.px(t)) << "\" y2=\""
      << num(f.base) << "\" stroke=\"#e4e4e4\"/>\n"
      << text(f.px(t), f.base + 16, label_or_number(c.x_format, t), "middle", "#555");
  for (const double t : f.y_ticks)
    o << "<line x1=\"" << num(kLeft) << "\" y1=\"" << num(f.py(t)) << "\" x2=\"" << num(kWidth - kRight)
      << "\" y2=\"" << num(f.py(t)) << "\" stroke=\"#e4e4e4\"/>\n"
      << text(kLeft - 6, f.py(t) + 4, label_or_number(c.y_format, t), "end", "#555");
  o << text(kLeft + f.pw / 2, f.base + 40, c.x_label, "middle", "#333") << "<text x=\"16\" y=\""
    << num(kTop + f.ph / 2) << "\" text-anchor=\"middle\" transform=\"rotate(-90 16 " << num(kTop + f.ph / 2)
    << ")\" fill=\"#333\">" << xml_escape(c.y_label) << "</text>\n";
  if (c.y_limit)
    o << "<line class=\"limit\" x1=\"" << num(kLeft) << "\" y1=\"" << num(f.py(*c.y_limit)) << "\" x2=\""
      << num(kWidth - kRight) << "\" y2=\"" << num(f.py(*c.y_limit))
      << "\" stroke=\"#b3361b\" stroke-dasharray=\"6 4\" data-value=\"" << exact_number(*c.y_limit)
      << "\"/>\n"
      << text(kWidth - kRight - 4, f.py(*c.y_limit) - 5, c.y_limit_label, "end", "#b3361b");
}

/// The points: the others first, then the front as a staircase with its points on top, then the tags.
void draw_points(std::ostringstream& o, const ScatterChart& c, const Frame& f) {
  auto circle = [&](const ScatterChart::Point& p) {
    o << "<circle class=\"point\" cx=\"" << num(f.px(p.x)) << "\" cy=\"" << num(f.py(p.y)) << "\" r=\""
      << (p.front ? 5 : 3.5) << "\" fill=\"" << (p.front ? kFrontColour : kPointColour) << "\""
      << (p.front ? "" : " fill-opacity=\"0.45\"") << " data-x=\"" << exact_number(p.x) << "\" data-y=\""
      << exact_number(p.y) << "\" data-front=\"" << (p.front ? "true" : "false") << "\"><title>"
      << xml_escape(p.label + ": " + label_or_number(c.x_format, p.x) + ", " +
                    label_or_number(c.y_format, p.y))
      << "</title></circle>\n";
  };
  std::vector<ScatterChart::Point> front;
  for (const auto& p : c.points)
    if (p.front)
      front.push_back(p);
    else
      circle(p);
  std::sort(front.begin(), front.end(), [](const auto& a, const auto& b) { return a.x < b.x; });
  if (front.size() > 1) {  // from each front point flat to the next one's x, then down to it
    o << "<polyline fill=\"none\" stroke=\"" << kFrontColour << "\" stroke-width=\"2\" points=\"";
    for (std::size_t i = 0; i < front.size(); ++i) {
      o << num(f.px(front[i].x)) << ',' << num(f.py(front[i].y)) << ' ';
      if (i + 1 < front.size()) o << num(f.px(front[i + 1].x)) << ',' << num(f.py(front[i].y)) << ' ';
    }
    o << "\"/>\n";
  }
  for (const auto& p : front) circle(p);
  for (const auto& p : c.points)
    if (!p.tag.empty())
      o << text(f.px(p.x) + 7, f.py(p.y) - 6, p.tag, "start", "#111", " font-weight=\"bold\"");
}

}  // namespace

std::string render_svg(const ScatterChart& c) {
  const Frame f = frame_of(c);
  std::ostringstream o;
  draw_frame(o, c, f);
  draw_points(o, c, f);
  o << "<line x1=\"" << num(kLeft) << "\" y1=\"" << num(f.base) << "\" x2=\"" << num(kWidth - kRight)
    << "\" y2=\"" << num(f.base) << "\" stroke=\"#333\"/>\n</svg>\n";
  return o.str();
}

}  // namespace moesim::plan
