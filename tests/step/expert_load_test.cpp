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
