// moesim tests — screenshots of HTML reports in headless Chromium (Debian package `chromium`) and decoding
// the PNG it writes (8-bit RGB/RGBA, not interlaced), for the screenshot tests of every report.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace moesim::test {

/// Where the Debian package installs Chromium; the screenshot tests skip themselves without it.
inline constexpr const char* kChromium = "/usr/bin/chromium";

/// Whether kChromium exists.
bool chromium_installed();

/// Renders `html` at width × height CSS pixels into `png` (removed first), Chromium's output in `log`.
/// Returns "" on success, else what failed (the command and where its log is).
std::string screenshot(const std::filesystem::path& html, const std::filesystem::path& png, int width,
                       int height, const std::filesystem::path& log);

/// Pixels of a decoded PNG: rows of width × channels bytes.
struct Image {
  int width = 0, height = 0, channels = 0;
  std::vector<unsigned char> pixels;
};

/// The image in `path`; an empty Image for anything but an 8-bit RGB or RGBA non-interlaced PNG.
Image decode_png(const std::string& path);

}  // namespace moesim::test
