// Screenshot test: the step report rendered by headless Chromium (Debian package `chromium`) shows a timeline
// that is not blank: bars of several colour classes spread across the step. Skipped, with a message, where
// /usr/bin/chromium is not installed.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "report_test_support.h"
#include "reports/scenario_run.h"
#include "reports/step_report.h"
#include "reports/svg_timeline.h"
#include "tests/support/screenshot.h"

namespace moesim::reports {
namespace {

std::uint32_t rgb_of(const char* hex) {
  return static_cast<std::uint32_t>(std::stoul(hex + 1, nullptr, 16));
}

bool near(const unsigned char* p, std::uint32_t rgb) {
  const int want[3] = {static_cast<int>(rgb >> 16), static_cast<int>((rgb >> 8) & 255),
                       static_cast<int>(rgb & 255)};
  for (int c = 0; c < 3; ++c)
    if (std::abs(p[c] - want[c]) > 6) return false;
  return true;
}

TEST(StepScreenshot, ChromiumRendersATimelineWithSeveralColoursAcrossTheStep) {
  if (!moesim::test::chromium_installed())
    GTEST_SKIP() << "headless Chromium not installed at " << moesim::test::kChromium
                 << " (Debian: apt-get install chromium); the screenshot test is skipped";
  sim::SimulateOptions o;
  o.keep_timeline = true;
  const auto run = run_scenario(YAML::Load(test::small_pipeline_moe_yaml()), "small.yaml", o);
  const auto dir = std::filesystem::path(MOESIM_BINARY_DIR) / "tests" / "reports";
  std::filesystem::create_directories(dir);
  const auto html = dir / "screenshot-step.html", png = dir / "screenshot-step.png";
  std::ofstream(html) << step_report_html(run);
  const std::string failed = moesim::test::screenshot(html, png, 1200, 2000, dir / "chromium-step.log");
  ASSERT_EQ(failed, "");
  const auto img = moesim::test::decode_png(png.string());
  ASSERT_EQ(img.width, 1200);
  ASSERT_EQ(img.height, 2000);

  // The timeline is the first chart: look for its colour classes in the top 800 rows.
  std::map<int, std::size_t> pixels;  // colour class -> pixels of that colour
  int x_min = img.width, x_max = 0;
  for (int y = 0; y < 800; ++y) {
    for (int x = 0; x < img.width; ++x) {
      const unsigned char* p = &img.pixels[(static_cast<std::size_t>(y) * img.width + x) * img.channels];
      for (int g = 0; g < static_cast<int>(TimelineGroup::kCount); ++g) {
        if (!near(p, rgb_of(timeline_group_colour(static_cast<TimelineGroup>(g))))) continue;
        ++pixels[g];
        if (g != static_cast<int>(TimelineGroup::kPipelineP2p))
          x_min = std::min(x_min, x), x_max = std::max(x_max, x);
      }
    }
  }
  std::size_t classes = 0;
  for (const auto& [g, n] : pixels) classes += n > 150 ? 1 : 0;
  EXPECT_GE(classes, 4u) << "dense and expert compute, all-to-all and gradient sync bars should show";
  EXPECT_GT(pixels[static_cast<int>(TimelineGroup::kDenseCompute)], 3000u);
  EXPECT_GT(x_max - x_min, img.width / 2) << "the bars should spread across the step, not bunch at one end";
}

}  // namespace
}  // namespace moesim::reports
