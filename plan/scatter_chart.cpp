#include "plan/scatter_chart.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

#include "reports/report_units.h"

namespace moesim::plan {
namespace {

using reports::exact_number;
using reports::xml_escape;

constexpr double kWidth = 960, kHeight = 470;
constexpr double kLeft = 96, kRight = 30, kTop = 56, kBottom = 62;
constexpr const char* kFrontColour = "#D55E00";
constexpr const char* kPointColour = "#0072B2";

std::string num(double v) {
  std::ostringstream o;
  o.precision(6);
  o << v;
  return o.str();
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

}  // namespace

std::string render_svg(const ScatterChart& c) {
  double x_lo = INFINITY, x_hi = -INFINITY, y_lo = INFINITY, y_hi = -INFINITY;
  for (const auto& p : c.points) {
    x_lo = std::min(x_lo, p.x), x_hi = std::max(x_hi, p.x);
    y_lo = std::min(y_lo, p.y), y_hi = std::max(y_hi, p.y);
  }
  if (c.points.empty()) x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  const bool log_x = c.log_x && x_lo > 0;
  const Range rx = log_x ? Range{x_lo, x_hi, 0} : range_of(x_lo, x_hi), ry = range_of(y_lo, y_hi, c.y_limit);
  const double pw = kWidth - kLeft - kRight, ph = kHeight - kTop - kBottom, base = kTop + ph;
  // Logarithmic: from the 1-2-5 tick at or below the smallest x to the one at or above the largest.
  const auto ticks_x = log_x ? log_ticks(x_lo, x_hi) : std::vector<double>{};
  const double lx_lo = log_x ? std::log10(ticks_x.front()) : 0,
               lx_hi = log_x ? std::log10(ticks_x.back()) : 1;
  const auto px = [&](double x) {
    return log_x ? kLeft + pw * (std::log10(x) - lx_lo) / (lx_hi - lx_lo)
                 : kLeft + pw * (x - rx.lo) / (rx.hi - rx.lo);
  };
  const auto py = [&](double y) { return base - ph * (y - ry.lo) / (ry.hi - ry.lo); };
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"" << xml_escape(c.id)
    << "\" width=\"" << num(kWidth) << "\" height=\"" << num(kHeight) << "\" viewBox=\"0 0 " << num(kWidth)
    << ' ' << num(kHeight) << "\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">\n<title>"
    << xml_escape(c.title) << "</title>\n"
    << text(10, 20, c.title, "start", "#222", " font-size=\"15\" font-weight=\"bold\"");
  // Legend.
  o << "<circle cx=\"16\" cy=\"38\" r=\"4\" fill=\"" << kPointColour << "\" fill-opacity=\"0.45\"/>\n"
    << text(26, 42, "simulated layout", "start", "#333") << "<circle cx=\"156\" cy=\"38\" r=\"5\" fill=\""
    << kFrontColour << "\"/>\n"
    << text(166, 42, "Pareto front (nothing is better on both axes)", "start", "#333");
  std::vector<double> xs = ticks_x;
  for (int i = 0; !log_x && rx.lo + i * rx.step <= rx.hi * (1 + 1e-9) + 1e-300; ++i)
    xs.push_back(rx.lo + i * rx.step);
  for (const double t : xs) {
    o << "<line x1=\"" << num(px(t)) << "\" y1=\"" << num(kTop) << "\" x2=\"" << num(px(t)) << "\" y2=\""
      << num(base) << "\" stroke=\"#e4e4e4\"/>\n"
      << text(px(t), base + 16, label_or_number(c.x_format, t), "middle", "#555");
  }
  for (int i = 0; ry.lo + i * ry.step <= ry.hi * (1 + 1e-9) + 1e-300; ++i) {
    const double t = ry.lo + i * ry.step;
    o << "<line x1=\"" << num(kLeft) << "\" y1=\"" << num(py(t)) << "\" x2=\"" << num(kWidth - kRight)
      << "\" y2=\"" << num(py(t)) << "\" stroke=\"#e4e4e4\"/>\n"
      << text(kLeft - 6, py(t) + 4, label_or_number(c.y_format, t), "end", "#555");
  }
  o << text(kLeft + pw / 2, base + 40, c.x_label, "middle", "#333") << "<text x=\"16\" y=\""
    << num(kTop + ph / 2) << "\" text-anchor=\"middle\" transform=\"rotate(-90 16 " << num(kTop + ph / 2)
    << ")\" fill=\"#333\">" << xml_escape(c.y_label) << "</text>\n";
  if (c.y_limit) {
    o << "<line class=\"limit\" x1=\"" << num(kLeft) << "\" y1=\"" << num(py(*c.y_limit)) << "\" x2=\""
      << num(kWidth - kRight) << "\" y2=\"" << num(py(*c.y_limit))
      << "\" stroke=\"#b3361b\" stroke-dasharray=\"6 4\" data-value=\"" << exact_number(*c.y_limit)
      << "\"/>\n"
      << text(kWidth - kRight - 4, py(*c.y_limit) - 5, c.y_limit_label, "end", "#b3361b");
  }
  auto circle = [&](const ScatterChart::Point& p) {
    o << "<circle class=\"point\" cx=\"" << num(px(p.x)) << "\" cy=\"" << num(py(p.y)) << "\" r=\""
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
  if (front.size() > 1) {  // a staircase: from each front point, flat to the next one's x, then down
    o << "<polyline fill=\"none\" stroke=\"" << kFrontColour << "\" stroke-width=\"2\" points=\"";
    for (std::size_t i = 0; i < front.size(); ++i) {
      o << num(px(front[i].x)) << ',' << num(py(front[i].y)) << ' ';
      if (i + 1 < front.size()) o << num(px(front[i + 1].x)) << ',' << num(py(front[i].y)) << ' ';
    }
    o << "\"/>\n";
  }
  for (const auto& p : front) circle(p);
  for (const auto& p : c.points)
    if (!p.tag.empty()) o << text(px(p.x) + 7, py(p.y) - 6, p.tag, "start", "#111", " font-weight=\"bold\"");
  o << "<line x1=\"" << num(kLeft) << "\" y1=\"" << num(base) << "\" x2=\"" << num(kWidth - kRight)
    << "\" y2=\"" << num(base) << "\" stroke=\"#333\"/>\n</svg>\n";
  return o.str();
}

}  // namespace moesim::plan
