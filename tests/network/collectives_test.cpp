// Collectives as transfer sequences: shapes, byte conservation, errors. No simulation here.
#include <gtest/gtest.h>

#include <numeric>

#include "sim/collectives/collective.h"
#include "tests/network/test_fabrics.h"

namespace moesim::collectives {
namespace {

std::vector<int> iota_group(int n, int first = 0) {
  std::vector<int> g(n);
  std::iota(g.begin(), g.end(), first);
  return g;
}

TEST(Collectives, RingAllReduceIssues2nMinus2StepsOfOneSlice) {
  testing::RingFabric ring(8, 100e9, 1e-6);
  const auto s = build_schedule({CollectiveOp::kAllReduce, Algorithm::kRing, iota_group(8), 64e6}, ring);
  ASSERT_EQ(s.phases.size(), 14u);
  for (const auto& p : s.phases) {
    ASSERT_EQ(p.transfers.size(), 8u);
    for (const auto& t : p.transfers) {
      EXPECT_EQ(t.dst, (t.src + 1) % 8);
      EXPECT_DOUBLE_EQ(t.bytes, 8e6);
    }
    EXPECT_DOUBLE_EQ(p.overhead_s, LibraryParams{}.step_inter_node_s);  // one device per node
  }
  EXPECT_EQ(s.name, "all-reduce/ring");
}

TEST(Collectives, ReduceScatterAndAllGatherAreNMinus1RingSteps) {
  testing::TwoTierFabric f(1, 4, 100e9, 1e-6, 10e9, 1e-6);
  for (auto op : {CollectiveOp::kReduceScatter, CollectiveOp::kAllGather}) {
    const auto s = build_schedule({op, Algorithm::kAuto, iota_group(4), 4e6}, f);
    ASSERT_EQ(s.phases.size(), 3u);
    EXPECT_DOUBLE_EQ(s.phases[0].transfers[0].bytes, 1e6);
    EXPECT_DOUBLE_EQ(s.phases[0].overhead_s, LibraryParams{}.step_intra_node_s);
  }
}

TEST(Collectives, BusBandwidthFactorsFollowNcclTests) {
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(CollectiveOp::kAllReduce, 8), 2.0 * 7 / 8);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(CollectiveOp::kAllGather, 8), 7.0 / 8);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(CollectiveOp::kAllToAll, 4), 3.0 / 4);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(CollectiveOp::kAllReduce, 1), 0.0);
}

TEST(Collectives, HierarchicalAllToAllDeliversTheSameInterNodeBytesInFewerMessages) {
  testing::TwoTierFabric f(4, 4, 100e9, 1e-6, 10e9, 1e-6);
  const auto m = zipf_all_to_all(16, 1e6, 1.1, 7);
  const auto group = iota_group(16);
  const auto direct = build_schedule({CollectiveOp::kAllToAll, Algorithm::kDirect, group, 1e6, &m}, f);
  const auto hier = build_schedule({CollectiveOp::kAllToAll, Algorithm::kHierarchical, group, 1e6, &m}, f);
  ASSERT_EQ(direct.phases.size(), 1u);
  ASSERT_EQ(hier.phases.size(), 2u);
  auto inter_bytes = [&](const network::Phase& p) {
    double b = 0;
    for (const auto& t : p.transfers)
      if (f.node_of(t.src) != f.node_of(t.dst)) b += t.bytes;
    return b;
  };
  EXPECT_NEAR(inter_bytes(hier.phases[1]), inter_bytes(direct.phases[0]), 1e-6);
  EXPECT_DOUBLE_EQ(inter_bytes(hier.phases[0]), 0.0);
  // Every device sends M-1 = 3 inter-node messages instead of n-G = 12.
  EXPECT_EQ(hier.phases[1].transfers.size(), 16u * 3);
  // Pairwise: n-1 rounds of one message per rank.
  const auto pairwise = build_schedule({CollectiveOp::kAllToAll, Algorithm::kPairwise, group, 1e6, &m}, f);
  EXPECT_EQ(pairwise.phases.size(), 15u);
  EXPECT_NEAR(pairwise.network_bytes(), direct.network_bytes(), 1e-6);
}

TEST(Collectives, DoubleBinaryTreeMovesEachHalfUpAndDownEveryEdge) {
  testing::TwoTierFabric f(1, 8, 100e9, 1e-6, 10e9, 1e-6);
  LibraryParams p;
  p.chunk_bytes = 1e6;
  const auto s = build_schedule({CollectiveOp::kAllReduce, Algorithm::kTree, iota_group(8), 8e6}, f, p);
  // depth 3, 4 chunks per half: 2*3 + 4 - 1 phases; each tree has 7 edges, each crossed up and down by 4MB.
  EXPECT_EQ(s.phases.size(), 9u);
  EXPECT_NEAR(s.network_bytes(), 2 /*trees*/ * 7 * 2 * 4e6, 1e-3);
}

TEST(Collectives, Hierarchical2DAllReduceHasIntraInterIntraPhases) {
  testing::TwoTierFabric f(4, 8, 100e9, 1e-6, 10e9, 1e-6);
  const auto s =
      build_schedule({CollectiveOp::kAllReduce, Algorithm::kHierarchical2D, iota_group(32), 32e6}, f);
  ASSERT_EQ(s.phases.size(), 7u + 6u + 7u);
  EXPECT_DOUBLE_EQ(s.phases[0].transfers[0].bytes, 4e6);  // S/G
  EXPECT_DOUBLE_EQ(s.phases[7].transfers[0].bytes, 1e6);  // S/(G*M)
  EXPECT_EQ(f.node_of(s.phases[7].transfers[0].src) == f.node_of(s.phases[7].transfers[0].dst), false);
}

TEST(Collectives, ZipfMatrixKeepsRowTotalsAndSkewsColumns) {
  const auto u = zipf_all_to_all(32, 1e6, 0.0);
  const auto z = zipf_all_to_all(32, 1e6, 1.2, 3);
  double max_col = 0;
  for (int i = 0; i < 32; ++i) {
    EXPECT_NEAR(z.row_sum(i), 1e6, 1e-6);
    EXPECT_DOUBLE_EQ(u.at(i, (i + 5) % 32), 1e6 / 32);
    max_col = std::max(max_col, z.col_sum(i));
  }
  EXPECT_NEAR(z.total(), u.total(), 1e-3);
  EXPECT_GT(max_col, 5 * u.col_sum(0));
  EXPECT_THROW(zipf_all_to_all(4, 1, -1), std::invalid_argument);
}

TEST(Collectives, BadRequestsAreRejected) {
  testing::TwoTierFabric f(2, 4, 100e9, 1e-6, 10e9, 1e-6);
  EXPECT_THROW(build_schedule({CollectiveOp::kAllReduce, Algorithm::kRing, {}, 1e6}, f),
               std::invalid_argument);
  EXPECT_THROW(build_schedule({CollectiveOp::kAllReduce, Algorithm::kRing, {0, 8}, 1e6}, f),
               std::invalid_argument);
  EXPECT_THROW(build_schedule({CollectiveOp::kAllReduce, Algorithm::kRing, {0, 1}, -1}, f),
               std::invalid_argument);
  EXPECT_THROW(build_schedule({CollectiveOp::kAllGather, Algorithm::kTree, {0, 1}, 1e6}, f),
               std::invalid_argument);
  EXPECT_THROW(build_schedule({CollectiveOp::kAllToAll, Algorithm::kRing, {0, 1}, 1e6}, f),
               std::invalid_argument);
  EXPECT_THROW(build_schedule({CollectiveOp::kAllReduce, Algorithm::kPairwise, {0, 1}, 1e6}, f),
               std::invalid_argument);
  // 3 members on node 0, 1 on node 1: hierarchical needs equal counts.
  EXPECT_THROW(build_schedule({CollectiveOp::kAllToAll, Algorithm::kHierarchical, {0, 1, 2, 4}, 1e6}, f),
               std::invalid_argument);
  const auto wrong = uniform_all_to_all(3, 1e6);
  EXPECT_THROW(build_schedule({CollectiveOp::kAllToAll, Algorithm::kDirect, {0, 1}, 1e6, &wrong}, f),
               std::invalid_argument);
  EXPECT_THROW(parse_op("allreduce"), std::invalid_argument);
  EXPECT_THROW(parse_algorithm("butterfly"), std::invalid_argument);
  EXPECT_EQ(parse_op("reduce-scatter"), CollectiveOp::kReduceScatter);
  EXPECT_EQ(parse_algorithm("hierarchical-2d"), Algorithm::kHierarchical2D);
}

}  // namespace
}  // namespace moesim::collectives
