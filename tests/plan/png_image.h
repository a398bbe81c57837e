// moesim tests — decoding the PNG screenshots headless Chromium writes (8-bit RGB/RGBA, not interlaced).
#pragma once

#include <string>
#include <vector>

namespace moesim::plan::test {

/// Pixels of a decoded PNG: rows of width × channels bytes.
struct Image {
  int width = 0, height = 0, channels = 0;
  std::vector<unsigned char> pixels;
};

/// The image in `path`; an empty Image for anything but an 8-bit RGB or RGBA non-interlaced PNG.
Image decode_png(const std::string& path);

}  // namespace moesim::plan::test
