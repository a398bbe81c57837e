// Screenshot test: the plan's HTML rendered by headless Chromium (Debian package `chromium`) shows the
// Pareto charts (blue layout points, the orange front) and the breakdown bars. Skipped, with a message,
// where /usr/bin/chromium is not installed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "plan/plan_document.h"
#include "plan/plan_html.h"
#include "plan_test_support.h"
#include "tests/support/screenshot.h"

namespace moesim::plan {
namespace {

TEST(PlanScreenshot, ChromiumRendersTheParetoChartsAndTable) {
  if (!moesim::test::chromium_installed())
    GTEST_SKIP() << "headless Chromium not installed at " << moesim::test::kChromium
                 << " (Debian: apt-get install chromium); the screenshot test is skipped";
  const auto problem = test::problem_of_file(test::small_moe_path());
  SearchOptions options;
  const auto doc = plan_document(problem, search_layouts(problem, options), options);
  const auto dir = std::filesystem::path(MOESIM_BINARY_DIR) / "tests" / "plan";
  std::filesystem::create_directories(dir);
  const auto html = dir / "screenshot-plan.html", png = dir / "screenshot-plan.png";
  std::ofstream(html) << plan_html(doc);
  const std::string failed = moesim::test::screenshot(html, png, 1200, 2600, dir / "chromium.log");
  ASSERT_EQ(failed, "");

  const auto img = moesim::test::decode_png(png.string());
  ASSERT_EQ(img.width, 1200);
  ASSERT_EQ(img.height, 2600);
  std::set<std::uint32_t> colours;
  std::size_t inked = 0, front = 0, points = 0;
  const std::size_t n = static_cast<std::size_t>(img.width) * img.height;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char* p = &img.pixels[i * img.channels];
    colours.insert((p[0] << 16) | (p[1] << 8) | p[2]);
    if (p[0] < 200 || p[1] < 200 || p[2] < 200) ++inked;
    if (p[0] > 195 && p[0] < 230 && p[1] > 80 && p[1] < 110 && p[2] < 30) ++front;  // #D55E00, the front
    if (p[2] > p[0] + 60 && p[2] > 150 && p[1] > 100 && p[1] < 200) ++points;       // shades of #0072B2
  }
  EXPECT_GT(colours.size(), 50u);
  EXPECT_GT(static_cast<double>(inked) / n, 0.03);
  EXPECT_GT(front, 300u) << "the Pareto fronts (#D55E00) should be visible";
  EXPECT_GT(points, 3000u) << "the simulated layouts and the compute bars (#0072B2) should be visible";
}

}  // namespace
}  // namespace moesim::plan
