// Screenshot test: the comparison HTML rendered by headless Chromium (Debian package `chromium`) must give a
// non-trivial picture. Skipped, with a message, where /usr/bin/chromium is not installed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "report_test_support.h"
#include "reports/comparison.h"
#include "reports/html_report.h"
#include "tests/support/screenshot.h"

namespace moesim::reports {
namespace {

TEST(HtmlScreenshot, ChromiumRendersTheComparison) {
  if (!moesim::test::chromium_installed())
    GTEST_SKIP() << "headless Chromium not installed at " << moesim::test::kChromium
                 << " (Debian: apt-get install chromium); the screenshot test is skipped";
  const auto doc = make_comparison(test::sample_result("glam-64b-64e", 1.0, true),
                                   test::sample_result("gpt3-175b", 2.5, false), "gpt3-175b",
                                   DenseLayout{32, 4, 8, 32, "Dense layout: sample rule"});
  const auto dir = std::filesystem::path(MOESIM_BINARY_DIR) / "tests" / "reports";
  std::filesystem::create_directories(dir);
  const auto html = dir / "screenshot-compare.html", png = dir / "screenshot-compare.png";
  std::ofstream(html) << compare_html(doc);
  const std::string failed = moesim::test::screenshot(html, png, 1200, 2600, dir / "chromium.log");
  ASSERT_EQ(failed, "");
  EXPECT_GT(std::filesystem::file_size(png), 20000u);  // a blank 1200×2600 page compresses to a few kB

  const auto img = moesim::test::decode_png(png.string());
  ASSERT_EQ(img.width, 1200);
  ASSERT_EQ(img.height, 2600);
  // Not blank: many colours, and a good share of pixels that are neither white nor the page background.
  std::set<std::uint32_t> colours;
  std::size_t inked = 0, blue = 0;
  const std::size_t n = static_cast<std::size_t>(img.width) * img.height;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char* p = &img.pixels[i * img.channels];
    colours.insert((p[0] << 16) | (p[1] << 8) | p[2]);
    if (p[0] < 200 || p[1] < 200 || p[2] < 200) ++inked;
    if (p[0] < 20 && p[1] > 100 && p[1] < 130 && p[2] > 160 && p[2] < 190) ++blue;  // #0072B2, the MoE bars
  }
  EXPECT_GT(colours.size(), 50u);
  EXPECT_GT(static_cast<double>(inked) / n, 0.03);
  EXPECT_GT(blue, 2000u) << "the charts' MoE bars (#0072B2) should be visible";
}

}  // namespace
}  // namespace moesim::reports
