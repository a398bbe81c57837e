// moesim — a self-contained SVG scatter chart with a highlighted front (the plan's Pareto charts).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/svg_chart.h"

namespace moesim::plan {

/// Points over two numeric axes; the `front` ones are joined by a step line and drawn on top, the ones with
/// a `tag` (e.g. "#1") are labelled, and an optional horizontal limit (the HBM of one device) is drawn.
struct ScatterChart {
  std::string id;  ///< data-chart attribute
  std::string title;
  std::string x_label;
  std::string y_label;
  struct Point {
    double x = 0;
    double y = 0;
    std::string label;  ///< tooltip
    std::string tag;    ///< drawn next to the point when not empty
    bool front = false;
  };
  std::vector<Point> points;
  bool log_x = false;  ///< logarithmic x axis (needs x > 0), ticks at 1, 2, 5 × 10^k
  bool log_y = false;  ///< logarithmic y axis (needs y > 0 and no y_limit)
  std::optional<double> y_limit;
  std::string y_limit_label;
  reports::ValueFormatter x_format;
  reports::ValueFormatter y_format;
};

/// One `<svg>` element, well-formed XML, `data-chart` = id; every point is a circle with data-x, data-y and
/// data-front (exact numbers) and a title.
std::string render_svg(const ScatterChart& chart);

}  // namespace moesim::plan
