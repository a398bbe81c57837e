#include "sim/step/expert_load.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

namespace moesim::sim {
namespace {

double sum(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0);
}

TEST(ExpertLoad, UniformRoutingConservesTokenCopiesAndIsNearlyBalanced) {
  RoutingDistribution d;
  const auto load = draw_expert_load(d, 64, 2, 1 << 20, 0.0, 0);
  EXPECT_DOUBLE_EQ(sum(load.routed_tokens), 2.0 * (1 << 20));
  EXPECT_DOUBLE_EQ(load.dropped_fraction, 0.0);
  EXPECT_LT(load.imbalance(), 1.05);  // 32k copies per expert: sqrt fluctuation ~0.6%
}

TEST(ExpertLoad, CapacityDropsOverflowOfSkewedExperts) {
  RoutingDistribution d{"zipf", 1.2, {}, 7};
  const double tokens = 65536;
  const auto load = draw_expert_load(d, 64, 1, tokens, 1.25, 3);
  EXPECT_DOUBLE_EQ(load.capacity_tokens, std::ceil(1.25 * tokens / 64));
  EXPECT_GT(load.dropped_fraction, 0.3);  // the top experts take far more than 1.25x their share
  for (double a : load.accepted_tokens) EXPECT_LE(a, load.capacity_tokens);
  EXPECT_NEAR(sum(load.accepted_tokens), tokens * (1 - load.dropped_fraction), 1e-6);
}

TEST(ExpertLoad, MoreSkewMeansMoreImbalanceWithoutCapacity) {
  const auto mild = draw_expert_load({"zipf", 0.5, {}, 1}, 32, 2, 1e5, 0.0, 0);
  const auto strong = draw_expert_load({"zipf", 1.5, {}, 1}, 32, 2, 1e5, 0.0, 0);
  EXPECT_GT(strong.imbalance(), mild.imbalance());
}

TEST(ExpertLoad, SameSeedSameDrawDifferentLayerDifferentDraw) {
  RoutingDistribution d{"zipf", 1.0, {}, 42};
  const auto a = draw_expert_load(d, 16, 2, 1e4, 2.0, 5);
  const auto b = draw_expert_load(d, 16, 2, 1e4, 2.0, 5);
  const auto c = draw_expert_load(d, 16, 2, 1e4, 2.0, 6);
  EXPECT_EQ(a.routed_tokens, b.routed_tokens);
  EXPECT_NE(a.routed_tokens, c.routed_tokens);
}

TEST(ExpertLoad, HistogramFollowsTheGivenWeights) {
  const auto load = draw_expert_load({"histogram", 0, {3, 1}, 1}, 2, 1, 1e6, 0.0, 0);
  EXPECT_NEAR(load.routed_tokens[0] / 1e6, 0.75, 0.01);
  EXPECT_THROW(draw_expert_load({"histogram", 0, {1, 2, 3}, 1}, 2, 1, 10, 0.0, 0), std::invalid_argument);
}

}  // namespace
}  // namespace moesim::sim

namespace moesim::sim {
namespace {

/// 32 members of 5 experts, 8 per node (DeepSeek-V2 on EP32), or 64 of 4 (V3 on EP64).
RoutingStructure structure(int members, int per_member, int per_node, int limit, DispatchUnit dispatch,
                           bool by_node) {
  RoutingStructure st;
  for (int m = 0; m < members; ++m) st.member_node.push_back(m / per_node);
  for (int e = 0; e < members * per_member; ++e) {
    st.expert_member.push_back(e / per_member);
    st.expert_group.push_back(by_node ? st.member_node[static_cast<std::size_t>(e / per_member)]
                                      : e / per_member);
  }
  st.unit_limit = limit;
  st.dispatch = dispatch;
  return st;
}

// Device-limited routing (DeepSeek-V2, M = 3): each token's 6 experts on at most 3 devices, one transfer
// per device; the rows sum to the layer's copies.
TEST(StructuredRouting, DeviceLimitedSendsOncePerDevice) {
  const auto st = structure(32, 5, 8, 3, DispatchUnit::kDevice, false);
  const auto load = draw_structured_load(RoutingDistribution{}, st, 6, 32 * 1000, 0, 0);
  double copies = 0, transfers = 0;
  for (std::size_t s = 0; s < 32; ++s) {
    for (double c : load.sender_rows[s]) copies += c;
    for (double t : load.sender_member_transfers[s]) transfers += t;
  }
  EXPECT_DOUBLE_EQ(copies, 6.0 * 32 * 1000);
  EXPECT_LE(transfers, 3.0 * 32 * 1000);
  EXPECT_GE(transfers, 2.0 * 32 * 1000);  // 6 experts over 3 devices of 5: rarely fewer than 3 devices
  EXPECT_EQ(sender_loads(load, 32).size(), 32u);
}

// Node-limited routing (DeepSeek-V3, M = 4 of 8 nodes): the network transfers per token are at most 4,
// and about 4 (1 - (3/4)^8) = 3.6 with uniform scores.
TEST(StructuredRouting, NodeLimitedSendsAtMostLimitNodesPerToken) {
  const auto st = structure(64, 4, 8, 4, DispatchUnit::kNode, true);
  const auto load = draw_structured_load(RoutingDistribution{}, st, 8, 64 * 500, 0, 1);
  double nodes = 0;
  for (const auto& row : load.sender_node_transfers)
    for (double t : row) nodes += t;
  EXPECT_LE(nodes / (64 * 500), 4.0);
  EXPECT_NEAR(nodes / (64 * 500), 4 * (1 - std::pow(0.75, 8)), 0.1);
}

// Hierarchical gating (Shazeer et al. 2017): exactly 2 groups and 2 experts in each, one transfer per group.
TEST(StructuredRouting, HierarchicalSendsOncePerChosenGroup) {
  auto st = structure(16, 256, 4, 2, DispatchUnit::kGroup, false);
  st.exact_per_unit = true;
  const auto load = draw_structured_load(RoutingDistribution{}, st, 4, 16 * 200, 0, 2);
  double transfers = 0;
  for (const auto& row : load.sender_member_transfers)
    for (double t : row) transfers += t;
  EXPECT_DOUBLE_EQ(transfers, 2.0 * 16 * 200);
}

}  // namespace
}  // namespace moesim::sim
