// Screenshot test: the comparison HTML rendered by headless Chromium (Debian package `chromium`) must give a
// non-trivial picture. Skipped, with a message, where /usr/bin/chromium is not installed.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "report_test_support.h"
#include "reports/comparison.h"
#include "reports/html_report.h"

namespace moesim::reports {
namespace {

constexpr const char* kChromium = "/usr/bin/chromium";

struct Image {
  int width = 0, height = 0, channels = 0;
  std::vector<unsigned char> pixels;  // rows of width × channels bytes
};

std::uint32_t be32(const unsigned char* p) {
  return (p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

/// Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes). Empty image on anything else.
Image decode_png(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<unsigned char> file((std::istreambuf_iterator<char>(in)),
                                        std::istreambuf_iterator<char>());
  Image img;
  static const unsigned char kSig[8] = {137, 80, 78, 71, 13, 10, 26, 10};
  if (file.size() < 8 || !std::equal(kSig, kSig + 8, file.begin())) return img;
  std::vector<unsigned char> idat;
  for (std::size_t at = 8; at + 12 <= file.size();) {
    const std::uint32_t len = be32(&file[at]);
    const std::string type(file.begin() + at + 4, file.begin() + at + 8);
    const unsigned char* data = &file[at + 8];
    if (type == "IHDR") {
      img.width = static_cast<int>(be32(data));
      img.height = static_cast<int>(be32(data + 4));
      if (data[8] != 8 || data[12] != 0 || (data[9] != 2 && data[9] != 6)) return {};
      img.channels = data[9] == 6 ? 4 : 3;
    } else if (type == "IDAT") {
      idat.insert(idat.end(), data, data + len);
    }
    at += 12 + len;
  }
  const std::size_t stride = static_cast<std::size_t>(img.width) * img.channels;
  std::vector<unsigned char> raw((stride + 1) * img.height);
  uLongf raw_len = raw.size();
  if (img.channels == 0 || uncompress(raw.data(), &raw_len, idat.data(), idat.size()) != Z_OK) return {};
  img.pixels.assign(stride * img.height, 0);
  const int bpp = img.channels;
  for (int y = 0; y < img.height; ++y) {
    const unsigned char filter = raw[y * (stride + 1)];
    const unsigned char* src = &raw[y * (stride + 1) + 1];
    unsigned char* row = &img.pixels[y * stride];
    const unsigned char* prev = y ? &img.pixels[(y - 1) * stride] : nullptr;
    for (std::size_t x = 0; x < stride; ++x) {
      const int a = x >= static_cast<std::size_t>(bpp) ? row[x - bpp] : 0;
      const int b = prev ? prev[x] : 0;
      const int c = (prev && x >= static_cast<std::size_t>(bpp)) ? prev[x - bpp] : 0;
      int v = src[x];
      switch (filter) {
        case 1:
          v += a;
          break;
        case 2:
          v += b;
          break;
        case 3:
          v += (a + b) / 2;
          break;
        case 4: {
          const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
          v += (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
          break;
        }
        default:
          break;
      }
      row[x] = static_cast<unsigned char>(v);
    }
  }
  return img;
}

TEST(HtmlScreenshot, ChromiumRendersTheComparison) {
  if (!std::filesystem::exists(kChromium))
    GTEST_SKIP() << "headless Chromium not installed at " << kChromium
                 << " (Debian: apt-get install chromium); the screenshot test is skipped";
  const auto doc = make_comparison(test::sample_result("glam-64b-64e", 1.0, true),
                                   test::sample_result("gpt3-175b", 2.5, false), "gpt3-175b",
                                   DenseLayout{32, 4, 8, 32, "Dense layout: sample rule"});
  const auto dir = std::filesystem::path(MOESIM_BINARY_DIR) / "tests" / "reports";
  std::filesystem::create_directories(dir);
  const auto html = dir / "screenshot-compare.html", png = dir / "screenshot-compare.png";
  std::ofstream(html) << compare_html(doc);
  std::filesystem::remove(png);
  const auto profile =
      std::filesystem::temp_directory_path() / ("moesim-chromium-" + std::to_string(::getpid()));
  const std::string cmd = std::string(kChromium) +
                          " --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run"
                          " --user-data-dir=" +
                          profile.string() + " --window-size=1200,2600 --screenshot=" + png.string() +
                          " file://" + html.string() + " > " + (dir / "chromium.log").string() + " 2>&1";
  const int rc = std::system(cmd.c_str());
  std::filesystem::remove_all(profile);
  ASSERT_EQ(rc, 0) << cmd << " (see " << (dir / "chromium.log").string() << ")";
  ASSERT_TRUE(std::filesystem::exists(png));
  EXPECT_GT(std::filesystem::file_size(png), 20000u);  // a blank 1200×2600 page compresses to a few kB

  const Image img = decode_png(png.string());
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
