// A small dragonfly checked by hand.
#include <gtest/gtest.h>

#include "tests/topologies/test_util.h"
#include "topologies/link_loads.h"
#include "topologies/topology_summary.h"

namespace moesim::topologies {
namespace {

using testing::build;
using testing::links_in_tier;

// 12 one-GPU servers, 2 NICs per router, 2 routers per group, 1 global port each: 6 routers, 3 groups.
const char* kDragonfly =
    "  accelerator: h100-sxm\n  devices: 12\n  node: {gpus: 1, nic_bandwidth: 50 GB/s}\n"
    "  fabric: {type: dragonfly, routers_per_group: 2, nics_per_router: 2, global_links_per_router: 1,"
    " link_bandwidth: 100 GB/s, global_bandwidth: 25 GB/s}\n";

TEST(Dragonfly, CountsAndMinimalRoutes) {
  auto t = build(kDragonfly);
  EXPECT_EQ(t->switch_count(), 6);
  EXPECT_EQ(links_in_tier(*t, "nic"), 24);
  EXPECT_EQ(links_in_tier(*t, "local"), 6);
  EXPECT_EQ(links_in_tier(*t, "global"), 6);
  EXPECT_EQ(t->hop_count(0, 1), 2);  // same router
  EXPECT_EQ(t->hop_count(0, 2), 3);  // same group: one local hop
  // Group 0 -> group 2: the cable leaves router 1 (port 1) and lands on router 4 (group 2's port 0).
  EXPECT_EQ(t->hop_count(0, 11), 5);  // nic, local, global, local, nic
  EXPECT_EQ(t->hop_count(2, 8), 3);   // router 1 -> router 4 directly
  EXPECT_EQ(diameter_hops(*t), 5);
  EXPECT_DOUBLE_EQ(t->bisection_bandwidth_Bps(), 1 * 2 * 25e9);
}

TEST(Dragonfly, GlobalCableCarriesTheGroupPairTraffic) {
  auto t = build(kDragonfly);
  const LinkLoads loads = compute_link_loads(*t, TrafficMatrix::uniform_all_to_all(12, 1.0, 12));
  const int global = testing::tier_index(*t, "global");
  for (std::size_t l = 0; l < t->link_count(); ++l) {
    if (t->link(static_cast<LinkId>(l)).tier != global) continue;
    EXPECT_DOUBLE_EQ(loads.link_bytes[l], 16.0);  // 4 x 4 servers' pairs
  }
}

}  // namespace
}  // namespace moesim::topologies
