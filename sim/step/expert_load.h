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
  /// Probability that a token's last (k-th) chosen expert is dispatched at all: 1 for plain top-k; below
  /// 1 for GShard's random second expert (second_expert_dispatch_probability).
  double last_copy_keep = 1.0;
};

/// Tokens routed to each expert of one MoE layer within one expert-parallel group, before and after the
/// capacity limit C = ceil(capacity_factor · tokens · k / experts) (Switch Transformer eq. 3; GShard §2.2:
/// tokens over capacity are dropped and pass through the residual connection).
/// What one transfer of the dispatch carries: one token copy per chosen expert (GShard, Switch, NCCL
/// all-to-all dispatchers), one per chosen expert group (Shazeer et al. 2017's hierarchical MoE: the
/// secondary gate runs on the group's device), one per destination device (DeepSeek-V2's device-limited
/// routing), or one per destination node across the network and then one per device over NVLink
/// (DeepSeek-V3's node-limited routing, §3.2.2).
enum class DispatchUnit { kExpert, kGroup, kDevice, kNode };

/// Where the experts of one expert-parallel group live and how tokens may be routed to them, for routing
/// draws that follow each token (routing limited to groups, devices or nodes; hierarchical gating).
struct RoutingStructure {
  std::vector<int> expert_member;  ///< the member (0..members-1) holding each expert
  std::vector<int> member_node;    ///< the node of each member
  std::vector<int> expert_group;   ///< the routing unit of each expert (group, member or node)
  int unit_limit = 0;              ///< a token's experts lie in at most this many units (0 = no limit)
  bool exact_per_unit = false;     ///< hierarchical: exactly top_k / unit_limit experts in each chosen unit
  DispatchUnit dispatch = DispatchUnit::kExpert;
  int members() const { return static_cast<int>(member_node.size()); }
};

struct ExpertLoad {
  std::vector<double> routed_tokens;    ///< per expert, before capacity (token copies, k per token)
  std::vector<double> accepted_tokens;  ///< per expert, after capacity
  double capacity_tokens = 0;           ///< per expert
  double dropped_fraction = 0;          ///< of all token copies
  std::uint64_t draw_seed = 0;          ///< seed of this draw, for the per-sender split (sender_loads)
  double last_copy_keep = 1;            ///< the draw's RoutingDistribution::last_copy_keep
  /// Draws that follow each token (draw_structured_load): each sender's row of routed copies per expert,
  /// the transfers its dispatch sends to each member and to each node (DispatchUnit), and the member
  /// nodes. As one sender's load (sender_loads): its own row in member_transfers / node_transfers.
  DispatchUnit dispatch = DispatchUnit::kExpert;
  std::vector<std::vector<double>> sender_rows;
  std::vector<std::vector<double>> sender_member_transfers, sender_node_transfers;
  std::vector<double> member_transfers, node_transfers;
  std::vector<int> member_node;
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
/// A draw stored per sender (draw_structured_load) returns its own rows instead.
std::vector<ExpertLoad> sender_loads(const ExpertLoad& load, int senders);

/// Whether every token can find top_k distinct experts in any unit_limit units (each chosen unit holding
/// top_k / unit_limit when exact_per_unit).
bool routable(const RoutingStructure& structure, int top_k);

/// Draws one layer token by token: each of the structure's members sends tokens / members tokens; a token
/// first picks up to unit_limit distinct units (groups, devices or nodes) with probability proportional to
/// their experts' popularity, then its top_k distinct experts among them (exactly top_k / unit_limit per
/// unit when exact_per_unit), as DeepSeek's group-limited greedy routing and Shazeer's hierarchical gate
/// choose under a router whose scores follow `dist`. Counts, per sender, the copies per expert and the
/// distinct transfers to each member and node its dispatch sends (structure.dispatch). Capacity as
/// draw_expert_load. Reproducible (dist.seed and `layer`).
ExpertLoad draw_structured_load(const RoutingDistribution& dist, const RoutingStructure& structure, int top_k,
                                double tokens, double capacity_factor, int layer);

}  // namespace moesim::sim
