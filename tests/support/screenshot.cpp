#include "tests/support/screenshot.h"

#include <unistd.h>

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace moesim::test {
namespace {

std::uint32_t be32(const unsigned char* p) {
  return (p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

}  // namespace

bool chromium_installed() {
  return std::filesystem::exists(kChromium);
}

std::string screenshot(const std::filesystem::path& html, const std::filesystem::path& png, int width,
                       int height, const std::filesystem::path& log) {
  std::filesystem::remove(png);
  const auto profile = std::filesystem::temp_directory_path() /
                       ("moesim-chromium-" + png.stem().string() + "-" + std::to_string(::getpid()));
  const std::string cmd = std::string(kChromium) +
                          " --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run"
                          " --user-data-dir=" +
                          profile.string() + " --window-size=" + std::to_string(width) + "," +
                          std::to_string(height) + " --screenshot=" + png.string() + " file://" +
                          html.string() + " > " + log.string() + " 2>&1";
  const int rc = std::system(cmd.c_str());
  std::filesystem::remove_all(profile);
  if (rc != 0) return cmd + " exited " + std::to_string(rc) + " (see " + log.string() + ")";
  if (!std::filesystem::exists(png)) return cmd + " wrote no " + png.string();
  return "";
}

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

}  // namespace moesim::test
