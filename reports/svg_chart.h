// moesim — small self-contained SVG charts for the HTML reports (no scripts, no external fonts).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace moesim::reports {

/// Writes a value in the chart's unit for labels and tooltips (e.g. "12.3 ms").
using ValueFormatter = std::function<std::string(double)>;

/// Horizontal bars, each split into named segments (e.g. step time = compute + all-to-all + ... per run).
struct StackedBarChart {
  std::string id;                          ///< data-chart attribute, e.g. "breakdown"
  std::string title;                       ///< shown above the chart
  std::vector<std::string> segment_names;  ///< legend, in stacking order
  struct Bar {
    std::string label;
    std::vector<double> values;  ///< one per segment (missing = 0), same unit for all
  };
  std::vector<Bar> bars;
  ValueFormatter format;
};

/// Vertical bars in groups: one group per category (e.g. a link tier), one bar per series (MoE, dense).
struct GroupedBarChart {
  std::string id;
  std::string title;
  std::vector<std::string> categories;
  std::vector<std::string> series;
  std::vector<std::vector<double>> values;  ///< values[series][category]
  ValueFormatter format;
};

/// Lines over a numeric x axis (sweep curves, e.g. step time vs experts).
struct LineChart {
  std::string id;
  std::string title;
  std::string x_label;
  std::string y_label;
  bool log2_x = false;  ///< x axis in powers of two (experts, devices); needs x > 0
  struct Series {
    std::string name;
    std::vector<std::pair<double, double>> points;  ///< (x, y), drawn in x order
  };
  std::vector<Series> series;
  ValueFormatter format;  ///< for y values
};

/// The i-th colour of the report palette (colour-blind safe, Okabe & Ito 2008).
const char* palette_colour(std::size_t i);

/// Each returns one `<svg ...>...</svg>` element, well-formed XML, with `data-chart` = id and every bar or
/// point carrying `data-value` (the exact number drawn) so that tests and scripts can read the chart back.
std::string render_svg(const StackedBarChart& chart);
std::string render_svg(const GroupedBarChart& chart);
std::string render_svg(const LineChart& chart);

/// The font attributes every report chart uses.
inline constexpr const char* kSvgFont = "font-family=\"sans-serif\" font-size=\"12\"";

/// A coordinate or length in an SVG attribute: 6 significant digits.
std::string svg_number(double v);

/// A "nice" axis maximum (1, 2, 2.5, 5 × 10^k) at or above `value` (> 0), and its tick step.
struct AxisScale {
  double max = 1;
  double step = 0.2;
};
AxisScale nice_axis(double value, int ticks = 5);

}  // namespace moesim::reports
