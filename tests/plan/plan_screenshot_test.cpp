// Screenshot test: the plan's HTML rendered by headless Chromium (Debian package `chromium`) shows the
// Pareto charts (blue layout points, the orange front) and the breakdown bars. Skipped, with a message,
// where /usr/bin/chromium is not installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "plan/plan_document.h"
#include "plan/plan_html.h"
#include "plan_test_support.h"
#include "png_image.h"

namespace moesim::plan {
namespace {

constexpr const char* kChromium = "/usr/bin/chromium";

TEST(PlanScreenshot, ChromiumRendersTheParetoChartsAndTable) {
  if (!std::filesystem::exists(kChromium))
    GTEST_SKIP() << "headless Chromium not installed at " << kChromium
                 << " (Debian: apt-get install chromium); the screenshot test is skipped";
  const auto problem = test::problem_of_file(test::small_moe_path());
  SearchOptions options;
  const auto doc = plan_document(problem, search_layouts(problem, options), options);
  const auto dir = std::filesystem::path(MOESIM_BINARY_DIR) / "tests" / "plan";
  std::filesystem::create_directories(dir);
  const auto html = dir / "screenshot-plan.html", png = dir / "screenshot-plan.png";
  std::ofstream(html) << plan_html(doc);
  std::filesystem::remove(png);
  const auto profile =
      std::filesystem::temp_directory_path() / ("moesim-chromium-plan-" + std::to_string(::getpid()));
  const std::string cmd = std::string(kChromium) +
                          " --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run"
                          " --user-data-dir=" +
                          profile.string() + " --window-size=1200,2600 --screenshot=" + png.string() +
                          " file://" + html.string() + " > " + (dir / "chromium.log").string() + " 2>&1";
  const int rc = std::system(cmd.c_str());
  std::filesystem::remove_all(profile);
  ASSERT_EQ(rc, 0) << cmd << " (see " << (dir / "chromium.log").string() << ")";
  ASSERT_TRUE(std::filesystem::exists(png));

  const auto img = test::decode_png(png.string());
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
