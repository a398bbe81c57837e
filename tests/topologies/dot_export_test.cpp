#include "topologies/dot_export.h"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/topologies/test_util.h"

namespace moesim::topologies {
namespace {

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(DotExport, SmallFabricDrawsEveryCable) {
  auto t = testing::build(
      "  accelerator: tpuv4\n  devices: 16\n"
      "  fabric: {type: torus, dims: [4, 4], link_bandwidth: 50 GB/s}\n");
  std::ostringstream out;
  write_dot(*t, out);
  const std::string dot = out.str();
  EXPECT_EQ(dot.rfind("graph G {", 0), 0u);
  EXPECT_EQ(count(dot, "[label=\"chip"), 16);
  EXPECT_EQ(count(dot, " -- "), 32);  // 64 directed links = 32 cables
}

TEST(DotExport, LargeFabricIsAggregated) {
  auto t = testing::build("  preset: dgx-h100-superpod\n");
  std::ostringstream out;
  write_dot(*t, out);
  const std::string dot = out.str();
  // 16 blocks of 8 servers, 4 scalable-unit leaf groups, 1 spine group.
  EXPECT_EQ(count(dot, "devices"), 16);
  EXPECT_EQ(count(dot, "\"leaves"), 4);
  EXPECT_EQ(count(dot, "\"spines"), 1);
  EXPECT_EQ(count(dot, " -- "), 16 + 4);
  EXPECT_EQ(count(dot, "\"64 x 50 GB/s\""), 16);  // 8 servers x 8 NICs to their scalable unit's leaves
  EXPECT_EQ(count(dot, "\"256 x 50 GB/s\""), 4);  // 8 leaves x 32 up links to the spines
}

}  // namespace
}  // namespace moesim::topologies
