#include "sim/step/random_routing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "sim/step/expert_load.h"

namespace moesim::sim {
namespace {

/// GShard's rule sampled directly: E normal logits, the two largest, keep with probability 2·g2.
double sampled_keep(int experts, double logit_std, int tokens) {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> logit(0.0, logit_std);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> l(static_cast<std::size_t>(experts));
  int kept = 0;
  for (int t = 0; t < tokens; ++t) {
    for (auto& x : l) x = logit(rng);
    std::partial_sort(l.begin(), l.begin() + 2, l.end(), std::greater<>());
    const double g2 = 1.0 / (1.0 + std::exp(l[0] - l[1]));  // renormalised second gate
    if (2 * g2 > u(rng)) ++kept;
  }
  return static_cast<double>(kept) / tokens;
}

TEST(RandomRouting, MatchesGShardsRuleSampledTokenByToken) {
  for (int experts : {2, 8, 64, 512})
    for (double sd : {0.5, 1.0, 3.0}) {
      const double exact = second_expert_dispatch_probability(experts, sd);
      EXPECT_NEAR(exact, sampled_keep(experts, sd, 20000), 0.012) << experts << " experts, std " << sd;
    }
}

TEST(RandomRouting, ConfidentRoutersDropMoreSecondExperts) {
  EXPECT_DOUBLE_EQ(second_expert_dispatch_probability(1, 1.0), 1.0);
  EXPECT_GT(second_expert_dispatch_probability(64, 0.01), 0.99);  // equal gates: 2·g2 = 1
  EXPECT_LT(second_expert_dispatch_probability(64, 3.0), second_expert_dispatch_probability(64, 1.0));
  EXPECT_LT(second_expert_dispatch_probability(64, 50.0), 0.1);
}

TEST(RandomRouting, DrawSendsFewerCopiesAndCountsDropsAgainstThem) {
  RoutingDistribution d;
  d.last_copy_keep = 0.75;
  const double tokens = 1 << 16;
  const auto load = draw_expert_load(d, 64, 2, tokens, 0.0, 0);
  double copies = 0;
  for (double r : load.routed_tokens) copies += r;
  EXPECT_NEAR(copies, 1.75 * tokens, 1.0);
  EXPECT_DOUBLE_EQ(load.dropped_fraction, 0.0);
}

}  // namespace
}  // namespace moesim::sim
