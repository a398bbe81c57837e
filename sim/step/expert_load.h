// moesim — how many tokens each expert receives in a step: skew, capacity and dropped tokens.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace moesim::sim {

/// The distribution of token-to-expert assignments.
///  - uniform: every expert equally likely (a well-balanced router; the multinomial draw still fluctuates);
///  - zipf: expert popularity ∝ 1/rank^s with the ranks permuted per layer (skewed routers, as observed
///    before load balancing converges; Switch Transformer §2.2 motivates the auxiliary loss with it);
///  - histogram: measured relative expert popularity supplied by the user.
struct RoutingDistribution {
  std::string kind = "uniform";
  double zipf_s = 0;              ///< Zipf exponent (kind zipf)
  std::vector<double> histogram;  ///< relative weights, one per expert (kind histogram)
  std::uint64_t seed = 1;
};

/// Tokens routed to each expert of one MoE layer within one expert-parallel group, before and after the
/// capacity limit C = ceil(capacity_factor · tokens · k / experts) (Switch Transformer eq. 3; GShard §2.2:
/// tokens over capacity are dropped and pass through the residual connection).
struct ExpertLoad {
  std::vector<double> routed_tokens;    ///< per expert, before capacity (token copies, k per token)
  std::vector<double> accepted_tokens;  ///< per expert, after capacity
  double capacity_tokens = 0;           ///< per expert
  double dropped_fraction = 0;          ///< of all token copies
  std::uint64_t draw_seed = 0;          ///< seed of this draw, for the per-sender split (sender_loads)
  /// Largest accepted load over the mean accepted load (1 = perfectly balanced).
  double imbalance() const;
};

/// Draws the expert loads of one layer: `tokens` tokens, each sent to `top_k` distinct experts among
/// `experts`, by a multinomial draw with probabilities from `dist` (seeded by dist.seed and `layer`, so a
/// scenario is reproducible). capacity_factor <= 0 means no capacity limit (dropless MoE).
ExpertLoad draw_expert_load(const RoutingDistribution& dist, int experts, int top_k, double tokens,
                            double capacity_factor, int layer);

/// The same layer seen from each of the group's `senders` members: every sender routes an equal share of
/// the group's token copies, and which experts its copies went to is a random split of every expert's
/// count (each sender's tokens are a random subset of the group's), so the senders' rows differ while
/// their sum is `load` exactly. Capacity drops every sender's copies of an expert in the same proportion.
/// Per sender: accepted_tokens and routed_tokens are its row; capacity_tokens is its 1/senders share.
/// Reproducible (seeded by load.draw_seed). The split draws each row by sequential binomials on the
/// remaining column counts, the usual approximation of the multivariate hypergeometric.
std::vector<ExpertLoad> sender_loads(const ExpertLoad& load, int senders);

}  // namespace moesim::sim
