// Small fat-trees checked by hand: counts, hops, ECMP, bisection, link loads.
#include <gtest/gtest.h>

#include "tests/topologies/test_util.h"
#include "topologies/link_loads.h"

namespace moesim::topologies {
namespace {

using testing::build;
using testing::links_in_tier;
using testing::tier_index;

// 4 servers x 2 GPUs on NVSwitch, one NIC per GPU, radix-4 non-blocking leaf-spine: 4 leaves (one per server,
// 2 NIC ports, 2 up), 2 spines.
const char* kSmall =
    "  accelerator: h100-sxm\n  devices: 8\n"
    "  node: {gpus: 2, fabric: nvswitch, link_bandwidth: 400 GB/s, nics: 2, nic_bandwidth: 50 GB/s}\n"
    "  fabric: {type: fat-tree, radix: 4, link_bandwidth: 50 GB/s}\n";

TEST(FatTree, SmallCountsByHand) {
  auto t = build(kSmall);
  EXPECT_EQ(t->device_count(), 8);
  EXPECT_EQ(t->node_count(), 4);
  EXPECT_EQ(t->switch_count(), 4 + 4 + 2);  // NVSwitches, leaves, spines
  EXPECT_EQ(links_in_tier(*t, "nvlink"), 16);
  EXPECT_EQ(links_in_tier(*t, "nic"), 16);
  EXPECT_EQ(links_in_tier(*t, "spine"), 16);
  EXPECT_EQ(t->link_count(), 48u);
  EXPECT_EQ(boost::num_edges(t->graph()), 48u);
  EXPECT_EQ(boost::num_vertices(t->graph()), 18u);
}

TEST(FatTree, HopsPathsAndEcmpFractions) {
  auto t = build(kSmall);
  EXPECT_EQ(t->hop_count(0, 0), 0);
  EXPECT_EQ(t->hop_count(0, 1), 2);  // GPU -> NVSwitch -> GPU
  EXPECT_EQ(t->hop_count(0, 2), 4);  // NIC, leaf->spine, spine->leaf, NIC
  EXPECT_EQ(t->path_count(0, 2), 2);
  std::vector<RouteHop> hops;
  t->route(0, 7, hops);
  ASSERT_EQ(hops.size(), 6u);  // 2 NIC hops + 2 up + 2 down at 1/2
  double spine_share = 0;
  for (const auto& h : hops) {
    if (t->link(h.link).tier == tier_index(*t, "spine")) {
      EXPECT_DOUBLE_EQ(h.fraction, 0.5);
      spine_share += h.fraction;
    } else {
      EXPECT_DOUBLE_EQ(h.fraction, 1.0);
    }
  }
  EXPECT_DOUBLE_EQ(spine_share, 2.0);  // one unit up, one unit down
  std::vector<LinkId> path;
  t->single_path(0, 7, path);
  ASSERT_EQ(path.size(), 4u);
  EXPECT_EQ(t->link_endpoints(path.front()).first, 0);
  EXPECT_EQ(t->link_endpoints(path.back()).second, 7);
  for (std::size_t i = 1; i < path.size(); ++i) {
    EXPECT_EQ(t->link_endpoints(path[i - 1]).second, t->link_endpoints(path[i]).first);
  }
  EXPECT_DOUBLE_EQ(t->route_latency_s(0, 7), 4e-6);
}

TEST(FatTree, UniformAllToAllLoadsByHand) {
  auto t = build(kSmall);
  const double B = 1000;
  const LinkLoads loads = compute_link_loads(*t, TrafficMatrix::uniform_all_to_all(8, B, 8));
  // Each GPU has 1 peer in its server (NVLink: B each way) and 6 outside (NIC: 6B each way). A leaf sends
  // 2 x 2 x B to each of 3 other leaves = 12B over 2 up links: 6B each, and receives the same.
  for (std::size_t l = 0; l < t->link_count(); ++l) {
    const int tier = t->link(static_cast<LinkId>(l)).tier;
    const double expected = tier == tier_index(*t, "nvlink") ? B : 6 * B;
    EXPECT_DOUBLE_EQ(loads.link_bytes[l], expected) << t->tiers()[tier] << " link " << l;
  }
  EXPECT_DOUBLE_EQ(loads.tier_bytes[tier_index(*t, "nvlink")], 16 * B);
  EXPECT_DOUBLE_EQ(loads.tier_bytes[tier_index(*t, "nic")], 96 * B);
  EXPECT_DOUBLE_EQ(loads.tier_bytes[tier_index(*t, "spine")], 96 * B);
}

// Same servers, one GPU each, 8 NICs under radix 4 (full, 4 leaves x 2 spines) or radix 6 with 2:1
// oversubscription (2 leaves of 4 NIC ports and 2 up ports, both to one spine).
std::string one_gpu_tree(const std::string& fabric) {
  return "  accelerator: h100-sxm\n  devices: 8\n  node: {gpus: 1, nics: 1, nic_bandwidth: 50 GB/s}\n"
         "  fabric: {type: fat-tree, link_bandwidth: 50 GB/s, " +
         fabric + "}\n";
}

/// Rate of the permutation i -> i + N/2 (each direction of the cut), limited by its busiest link.
double permutation_rate_Bps(const Topology& t) {
  const int n = t.device_count();
  std::vector<double> m(static_cast<std::size_t>(n) * n, 0.0);
  for (int i = 0; i < n / 2; ++i) m[static_cast<std::size_t>(i) * n + i + n / 2] = 1e9;
  const LinkLoads loads = compute_link_loads(t, TrafficMatrix::dense(n, m));
  return n / 2 * 1e9 / loads.max_link_time_s(t);
}

TEST(FatTree, BisectionFullVersusOversubscribed) {
  auto full = build(one_gpu_tree("radix: 4"));
  auto over = build(one_gpu_tree("radix: 6, oversubscription: 2"));
  EXPECT_EQ(full->switch_count(), 4 + 2);
  EXPECT_EQ(over->switch_count(), 2 + 1);
  EXPECT_EQ(links_in_tier(*over, "spine"), 2 * 2 * 2);  // 2 leaves x 2 parallel cables x 2 directions
  EXPECT_DOUBLE_EQ(full->bisection_bandwidth_Bps(), 4 * 50e9);
  EXPECT_DOUBLE_EQ(over->bisection_bandwidth_Bps(), 2 * 50e9);
  // The same numbers from routing a cross-cut permutation.
  EXPECT_DOUBLE_EQ(permutation_rate_Bps(*full), full->bisection_bandwidth_Bps());
  EXPECT_DOUBLE_EQ(permutation_rate_Bps(*over), over->bisection_bandwidth_Bps());
}

TEST(FatTree, ThreeLevelK4MatchesAlFares) {
  // Al-Fares et al. 2008, k = 4: 16 hosts, 8 edge + 8 aggregation + 4 core switches, 4 paths between pods.
  auto t = build(
      "  accelerator: h100-sxm\n  devices: 16\n  node: {gpus: 1, nics: 1, nic_bandwidth: 50 GB/s}\n"
      "  fabric: {type: fat-tree, levels: 3, radix: 4, link_bandwidth: 50 GB/s}\n");
  EXPECT_EQ(t->switch_count(), 20);
  EXPECT_EQ(links_in_tier(*t, "spine"), 32);
  EXPECT_EQ(links_in_tier(*t, "core"), 32);
  EXPECT_EQ(t->hop_count(0, 1), 2);   // same leaf
  EXPECT_EQ(t->hop_count(0, 2), 4);   // same pod
  EXPECT_EQ(t->hop_count(0, 15), 6);  // across pods
  EXPECT_EQ(t->path_count(0, 2), 2);
  EXPECT_EQ(t->path_count(0, 15), 4);
  EXPECT_DOUBLE_EQ(t->bisection_bandwidth_Bps(), 8 * 50e9);
  std::vector<RouteHop> hops;
  t->route(0, 15, hops);
  double core_up = 0;
  for (const auto& h : hops) {
    if (t->link(h.link).tier == tier_index(*t, "core")) core_up += h.fraction;
  }
  EXPECT_DOUBLE_EQ(core_up, 2.0);  // one unit up to the cores, one down
}

TEST(FatTree, RailOptimisedSameRailStaysOnTheLeaf) {
  auto t = build(
      "  accelerator: h100-sxm\n  devices: 8\n"
      "  node: {gpus: 2, fabric: nvswitch, link_bandwidth: 400 GB/s, nics: 2, nic_bandwidth: 50 GB/s}\n"
      "  fabric: {type: fat-tree, radix: 4, rail_optimized: true, link_bandwidth: 50 GB/s}\n");
  EXPECT_EQ(t->switch_count(), 4 + 4 + 2);
  EXPECT_EQ(t->hop_count(0, 2), 2);  // GPU0 of servers 0 and 1: rail 0, same leaf
  EXPECT_EQ(t->hop_count(0, 3), 4);  // rail 0 -> rail 1
  EXPECT_EQ(t->hop_count(0, 4), 4);  // rail 0, next scalable unit
}

TEST(FatTree, SharedNicGoesThroughPcie) {
  auto t = build(
      "  accelerator: a100-sxm\n  devices: 16\n"
      "  node: {gpus: 8, fabric: nvlink-mesh, link_bandwidth: 50 GB/s, nics: 2, nic_bandwidth: 25 GB/s,"
      " pcie_bandwidth: 32 GB/s}\n"
      "  fabric: {type: fat-tree, radix: 8, link_bandwidth: 25 GB/s}\n");
  EXPECT_EQ(links_in_tier(*t, "nvlink"), 2 * 8 * 7);
  EXPECT_EQ(links_in_tier(*t, "pcie"), 16 * 2);
  EXPECT_EQ(t->switch_count(), 4 + 1 + 1);  // PCIe switches, 1 leaf (4 NICs), 1 spine (4 parallel cables)
  EXPECT_EQ(t->hop_count(0, 7), 1);
  EXPECT_EQ(t->hop_count(0, 8), 4);  // PCIe, NIC, NIC, PCIe (same leaf)
}

}  // namespace
}  // namespace moesim::topologies
