// Tests of the SVG charts: well-formed, values drawn as given, axes sensible.
#include "reports/svg_chart.h"

#include <gtest/gtest.h>

#include "report_test_support.h"

namespace moesim::reports {
namespace {

using test::elements;
using test::xml_problem;

TEST(NiceAxis, RoundsUpToOneTwoFiveSteps) {
  EXPECT_DOUBLE_EQ(nice_axis(0.93).max, 1.0);
  EXPECT_DOUBLE_EQ(nice_axis(0.93).step, 0.2);
  EXPECT_DOUBLE_EQ(nice_axis(1287).max, 1500);
  EXPECT_DOUBLE_EQ(nice_axis(1287).step, 500);
  EXPECT_DOUBLE_EQ(nice_axis(4.0).max, 4.0);
  EXPECT_GE(nice_axis(3.3e12).max, 3.3e12);
  EXPECT_DOUBLE_EQ(nice_axis(0).max, 1.0);  // degenerate input gives a usable axis
}

TEST(SvgChart, StackedBarsAreWellFormedAndCarryTheirValues) {
  StackedBarChart c{
      "breakdown", "Step <time>", {"compute", "a2a"}, {{"MoE", {0.5, 0.25}}, {"dense & co", {1.5, 0}}}, {}};
  const std::string svg = render_svg(c);
  EXPECT_EQ(xml_problem(svg), "") << svg;
  const auto rects = elements(svg, "rect");
  std::vector<double> values;
  for (const auto& r : rects)
    if (r.attributes.count("data-value")) values.push_back(std::stod(r.attributes.at("data-value")));
  EXPECT_EQ(values, (std::vector<double>{0.5, 0.25, 1.5, 0}));
  EXPECT_NE(svg.find("data-chart=\"breakdown\""), std::string::npos);
  EXPECT_NE(svg.find("Step &lt;time&gt;"), std::string::npos);
  // The widest bar (2.0 total would not fit; 1.5 does) spans at most the plot: nothing drawn past the edge.
  for (const auto& r : rects) {
    if (r.attributes.count("data-value")) {
      EXPECT_LE(std::stod(r.attributes.at("x")) + std::stod(r.attributes.at("width")), 960.0);
    }
  }
}

TEST(SvgChart, GroupedBarHeightsAreProportional) {
  GroupedBarChart c{"energy", "Energy", {"run"}, {"MoE", "dense"}, {{456}, {1287}}, {}};
  const std::string svg = render_svg(c);
  EXPECT_EQ(xml_problem(svg), "");
  std::vector<double> heights;
  for (const auto& r : elements(svg, "rect"))
    if (r.attributes.count("data-value")) heights.push_back(std::stod(r.attributes.at("height")));
  ASSERT_EQ(heights.size(), 2u);
  EXPECT_NEAR(heights[0] / heights[1], 456.0 / 1287.0, 1e-3);
}

TEST(SvgChart, LineChartPointsInXOrderOnLog2Axis) {
  LineChart c{
      "curve", "Step time vs experts", "experts", "s", true, {{"top-2", {{64, 3.0}, {16, 1.0}, {32, 2.0}}}},
      {}};
  const std::string svg = render_svg(c);
  EXPECT_EQ(xml_problem(svg), "");
  const auto pts = elements(svg, "circle");
  ASSERT_EQ(pts.size(), 3u);
  std::vector<double> xs;
  for (const auto& p : pts) xs.push_back(std::stod(p.attributes.at("cx")));
  EXPECT_LT(xs[0], xs[1]);
  EXPECT_LT(xs[1], xs[2]);
  EXPECT_NEAR(xs[1] - xs[0], xs[2] - xs[1], 1e-3);  // 16 -> 32 -> 64 evenly spaced in log2
  EXPECT_EQ(pts[0].attributes.at("data-x"), "16");
  EXPECT_EQ(pts[2].attributes.at("data-value"), "3");
}

TEST(SvgChart, EmptyChartsStayFinite) {
  const std::string a = render_svg(LineChart{"l", "empty", "x", "y", false, {}, {}});
  const std::string b = render_svg(GroupedBarChart{"g", "empty", {}, {}, {}, {}});
  const std::string c = render_svg(StackedBarChart{"s", "empty", {}, {}, {}});
  for (const auto* s : {&a, &b, &c}) {
    EXPECT_EQ(xml_problem(*s), "");
    EXPECT_EQ(s->find("nan"), std::string::npos) << *s;
    EXPECT_EQ(s->find("inf"), std::string::npos) << *s;
  }
}

}  // namespace
}  // namespace moesim::reports
