// Tori checked by hand: counts, dimension-order hops, tie splitting, all-to-all loads, bisection.
#include <gtest/gtest.h>

#include "tests/topologies/test_util.h"
#include "topologies/link_loads.h"

namespace moesim::topologies {
namespace {

using testing::build;

std::string torus(const std::string& dims, int devices) {
  return "  accelerator: tpuv4\n  devices: " + std::to_string(devices) +
         "\n  fabric: {type: torus, dims: " + dims + ", link_bandwidth: 50 GB/s, chips_per_host: 4}\n";
}

TEST(Torus, CountsAndHops4x4) {
  auto t = build(torus("[4, 4]", 16));
  EXPECT_EQ(t->switch_count(), 0);
  EXPECT_EQ(t->link_count(), 16u * 4);
  EXPECT_EQ(t->node_count(), 4);
  EXPECT_EQ(t->node_of(5), 1);
  EXPECT_EQ(t->hop_count(0, 3), 1);    // wrap-around in x
  EXPECT_EQ(t->hop_count(0, 12), 1);   // wrap-around in y
  EXPECT_EQ(t->hop_count(0, 10), 4);   // (2, 2): the far corner
  EXPECT_EQ(t->path_count(0, 10), 4);  // a tie in both dimensions
  EXPECT_EQ(t->path_count(0, 1), 1);
  std::vector<RouteHop> hops;
  t->route(0, 2, hops);  // distance 2 of 4: half each way
  ASSERT_EQ(hops.size(), 4u);
  for (const auto& h : hops) EXPECT_DOUBLE_EQ(h.fraction, 0.5);
  std::vector<LinkId> path;
  t->single_path(0, 2, path);  // ties take the + direction
  ASSERT_EQ(path.size(), 2u);
  EXPECT_EQ(t->link_endpoints(path[0]), std::make_pair(0, 1));
  EXPECT_EQ(t->link_endpoints(path[1]), std::make_pair(1, 2));
  t->single_path(0, 13, path);  // x first (0 -> 1), then y the short way (wrap 1 -> 13)
  ASSERT_EQ(path.size(), 2u);
  EXPECT_EQ(t->link_endpoints(path[0]), std::make_pair(0, 1));
  EXPECT_EQ(t->link_endpoints(path[1]), std::make_pair(1, 13));
}

TEST(Torus, UniformAllToAllLoadsByHand) {
  // 4x4: per source, the hop distances sum to 32, so 16 x 32 x B byte-hops on 64 links; by symmetry (ties
  // split) every link carries 8B. Directly: the x-link (0,y)->(1,y) carries 4 destinations at distance 1,
  // half of 4 at distance 2, and half of the 4 that chip 3 sends 2 steps the + way: 4 + 2 + 2 = 8.
  auto t = build(torus("[4, 4]", 16));
  const double B = 3;
  const LinkLoads loads = compute_link_loads(*t, TrafficMatrix::uniform_all_to_all(16, B, 16));
  for (double bytes : loads.link_bytes) EXPECT_DOUBLE_EQ(bytes, 8 * B);
  EXPECT_DOUBLE_EQ(loads.tier_bytes.at(0), 512 * B);
}

TEST(Torus, GroupsOfFourStayInTheirRow) {
  auto t = build(torus("[4, 4]", 16));
  const LinkLoads loads = compute_link_loads(*t, TrafficMatrix::uniform_all_to_all(16, 1.0, 4));
  // Each row is a 4-ring all-to-all: every x-link carries 2 (1 + 0.5 + 0.5), y-links nothing.
  for (std::size_t l = 0; l < t->link_count(); ++l) {
    auto [u, v] = t->link_endpoints(static_cast<LinkId>(l));
    EXPECT_DOUBLE_EQ(loads.link_bytes[l], u / 4 == v / 4 ? 2.0 : 0.0);
  }
}

TEST(Torus, SizeTwoDimensionHasOneCable) {
  auto t = build(torus("[2, 4, 4]", 32));
  EXPECT_EQ(t->link_count(), 32u * 4 + 32u);  // y and z rings: 4 links per chip; x: one cable per pair
  EXPECT_EQ(t->hop_count(0, 1), 1);
  std::vector<RouteHop> hops;
  t->route(0, 1, hops);
  ASSERT_EQ(hops.size(), 1u);
  EXPECT_DOUBLE_EQ(hops[0].fraction, 1.0);
}

TEST(Torus, ThreeDimensionalHopsAndBisection) {
  auto t = build(torus("[4, 4, 8]", 128));
  EXPECT_EQ(t->link_count(), 128u * 6);
  EXPECT_EQ(t->hop_count(0, 127), 3);  // (3,3,7): one wrap step in each dimension
  // Cut the 8-long dimension: 16 rings x 2 cables x 50 GB/s.
  EXPECT_DOUBLE_EQ(t->bisection_bandwidth_Bps(), 16 * 2 * 50e9);
}

}  // namespace
}  // namespace moesim::topologies
