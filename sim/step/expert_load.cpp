#include "sim/step/expert_load.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <stdexcept>

namespace moesim::sim {

double ExpertLoad::imbalance() const {
  if (accepted_tokens.empty()) return 1.0;
  const double sum = std::accumulate(accepted_tokens.begin(), accepted_tokens.end(), 0.0);
  if (sum <= 0) return 1.0;
  const double mean = sum / static_cast<double>(accepted_tokens.size());
  return *std::max_element(accepted_tokens.begin(), accepted_tokens.end()) / mean;
}

namespace {

std::uint64_t draw_seed_of(const RoutingDistribution& dist, int layer) {
  return dist.seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(layer) + 1;
}

/// Relative popularity of each expert under `dist` (zipf: ranks permuted per layer by `rng`).
std::vector<double> popularity(const RoutingDistribution& dist, int experts, std::mt19937_64& rng) {
  const auto e_count = static_cast<std::size_t>(experts);
  std::vector<double> weight(e_count, 1.0);
  if (dist.kind == "zipf") {
    std::vector<std::size_t> rank(e_count);
    std::iota(rank.begin(), rank.end(), 0);
    std::shuffle(rank.begin(), rank.end(), rng);  // which expert is popular changes from layer to layer
    for (std::size_t e = 0; e < e_count; ++e)
      weight[e] = 1.0 / std::pow(static_cast<double>(rank[e] + 1), dist.zipf_s);
  } else if (dist.kind == "histogram") {
    if (dist.histogram.size() != e_count)
      throw std::invalid_argument("draw_expert_load: histogram size != experts");
    weight = dist.histogram;
  } else if (dist.kind != "uniform") {
    throw std::invalid_argument("draw_expert_load: unknown distribution " + dist.kind);
  }
  return weight;
}

}  // namespace

ExpertLoad draw_expert_load(const RoutingDistribution& dist, int experts, int top_k, double tokens,
                            double capacity_factor, int layer) {
  if (experts <= 0 || top_k <= 0 || top_k > experts)
    throw std::invalid_argument("draw_expert_load: bad experts/top_k");
  const auto e_count = static_cast<std::size_t>(experts);
  const std::uint64_t seed = draw_seed_of(dist, layer);
  std::mt19937_64 rng(seed);
  const std::vector<double> weight = popularity(dist, experts, rng);
  const double wsum = std::accumulate(weight.begin(), weight.end(), 0.0);

  // Multinomial draw of token copies by sequential binomials. A token's k experts are distinct; with
  // k << E the independent-copies approximation changes loads by O(k/E) and is kept for speed.
  ExpertLoad load;
  load.draw_seed = seed;
  load.last_copy_keep = dist.last_copy_keep;
  load.routed_tokens.assign(e_count, 0);
  const double copies_per_token = top_k - 1 + dist.last_copy_keep;
  auto remaining = static_cast<std::int64_t>(std::llround(tokens * copies_per_token));
  double remaining_w = wsum;
  for (std::size_t e = 0; e < e_count && remaining > 0; ++e) {
    const double p = remaining_w > 0 ? std::clamp(weight[e] / remaining_w, 0.0, 1.0) : 0.0;
    std::binomial_distribution<std::int64_t> binom(remaining, p);
    const std::int64_t got = (e + 1 == e_count) ? remaining : binom(rng);
    load.routed_tokens[e] = static_cast<double>(got);
    remaining -= got;
    remaining_w -= weight[e];
  }

  load.capacity_tokens =
      capacity_factor > 0 ? std::ceil(capacity_factor * tokens * top_k / experts) : tokens * top_k;
  load.accepted_tokens.resize(e_count);
  double dropped = 0;
  for (std::size_t e = 0; e < e_count; ++e) {
    load.accepted_tokens[e] = std::min(load.routed_tokens[e], load.capacity_tokens);
    dropped += load.routed_tokens[e] - load.accepted_tokens[e];
  }
  load.dropped_fraction = tokens > 0 ? dropped / (tokens * copies_per_token) : 0.0;
  return load;
}

namespace {

/// Binomial(n, p) sample. Small means (the common case: a few copies per sender and expert) by inversion
/// of the CDF with the pmf recurrence f(k+1) = f(k) (n-k)/(k+1) p/(1-p), one exp and a few multiplies;
/// otherwise the standard library's sampler.
/// The per-sender loads of a structured draw: its stored rows, capacity applied as in sender_loads.
std::vector<ExpertLoad> structured_senders(const ExpertLoad& load) {
  const auto senders = load.sender_rows.size();
  std::vector<ExpertLoad> out(senders);
  for (std::size_t s = 0; s < senders; ++s) {
    auto& sl = out[s];
    sl.routed_tokens = load.sender_rows[s];
    sl.accepted_tokens.resize(sl.routed_tokens.size());
    for (std::size_t e = 0; e < sl.routed_tokens.size(); ++e) {
      const double keep = load.routed_tokens[e] > 0 ? load.accepted_tokens[e] / load.routed_tokens[e] : 0.0;
      sl.accepted_tokens[e] = sl.routed_tokens[e] * keep;
    }
    sl.capacity_tokens = load.capacity_tokens / static_cast<double>(senders);
    sl.dropped_fraction = load.dropped_fraction;
    sl.draw_seed = load.draw_seed;
    sl.last_copy_keep = load.last_copy_keep;
    sl.dispatch = load.dispatch;
    sl.member_transfers = load.sender_member_transfers[s];
    sl.node_transfers = load.sender_node_transfers[s];
    sl.member_node = load.member_node;
  }
  return out;
}

std::int64_t binomial(std::mt19937_64& rng, std::int64_t n, double p) {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (n * p >= 20 || p > 0.5) return std::binomial_distribution<std::int64_t>(n, p)(rng);
  const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  const double odds = p / (1 - p);
  double f = std::exp(static_cast<double>(n) * std::log1p(-p));
  double cdf = f;
  std::int64_t k = 0;
  while (u > cdf && k < n) {
    f *= static_cast<double>(n - k) / static_cast<double>(k + 1) * odds;
    ++k;
    cdf += f;
    if (f < 1e-300) break;
  }
  return k;
}

}  // namespace

std::vector<ExpertLoad> sender_loads(const ExpertLoad& load, int senders) {
  if (senders < 1) throw std::invalid_argument("sender_loads: senders must be >= 1");
  if (!load.sender_rows.empty() && static_cast<int>(load.sender_rows.size()) == senders)
    return structured_senders(load);
  const std::size_t e_count = load.routed_tokens.size();
  std::vector<ExpertLoad> out(static_cast<std::size_t>(senders));
  std::vector<std::int64_t> left(e_count);
  std::int64_t total = 0;
  for (std::size_t e = 0; e < e_count; ++e) total += left[e] = std::llround(load.routed_tokens[e]);
  std::mt19937_64 rng(load.draw_seed ^ 0xD1B54A32D192ED03ULL);
  for (int s = 0; s < senders; ++s) {
    auto& row = out[static_cast<std::size_t>(s)].routed_tokens;
    row.assign(e_count, 0);
    // This sender's share of the copies; the last sender takes what is left, so columns sum exactly.
    std::int64_t need = total / senders + (s < total % senders ? 1 : 0);
    std::int64_t remaining = 0;
    for (auto c : left) remaining += c;
    for (std::size_t e = 0; e < e_count && need > 0; ++e) {
      std::int64_t got = left[e];
      if (s + 1 < senders) {
        const double p = remaining > 0 ? std::clamp(static_cast<double>(left[e]) / remaining, 0.0, 1.0) : 0.0;
        got = (e + 1 == e_count) ? need : binomial(rng, need, p);
        got = std::min({got, left[e], need});
      }
      remaining -= left[e];
      row[e] = static_cast<double>(got);
      left[e] -= got;
      need -= got;
    }
  }
  for (auto& sl : out) {
    sl.accepted_tokens.resize(e_count);
    for (std::size_t e = 0; e < e_count; ++e) {
      const double keep = load.routed_tokens[e] > 0 ? load.accepted_tokens[e] / load.routed_tokens[e] : 0.0;
      sl.accepted_tokens[e] = sl.routed_tokens[e] * keep;
    }
    sl.capacity_tokens = load.capacity_tokens / senders;
    sl.dropped_fraction = load.dropped_fraction;
    sl.draw_seed = load.draw_seed;
    sl.last_copy_keep = load.last_copy_keep;
  }
  return out;
}

}  // namespace moesim::sim

namespace moesim::sim {
namespace {

/// Weighted choices among the units and among each unit's experts (cumulative weights, binary search).
class UnitSampler {
 public:
  UnitSampler(const RoutingStructure& st, const std::vector<double>& weight) {
    const int units = 1 + *std::max_element(st.expert_group.begin(), st.expert_group.end());
    experts_.resize(static_cast<std::size_t>(units));
    cumulative_.resize(experts_.size());
    unit_weight_.assign(experts_.size(), 0.0);
    for (std::size_t e = 0; e < weight.size(); ++e) {
      const auto u = static_cast<std::size_t>(st.expert_group[e]);
      experts_[u].push_back(static_cast<int>(e));
      unit_weight_[u] += weight[e];
      cumulative_[u].push_back(unit_weight_[u]);
    }
    double sum = 0;
    for (double w : unit_weight_) unit_cumulative_.push_back(sum += w);
  }
  std::size_t units() const { return experts_.size(); }
  /// A unit by weight (binary search on the cumulative unit weights).
  std::size_t any_unit(std::mt19937_64& rng) const {
    const double x = std::uniform_real_distribution<double>(0.0, unit_cumulative_.back())(rng);
    return std::min<std::size_t>(
        static_cast<std::size_t>(std::upper_bound(unit_cumulative_.begin(), unit_cumulative_.end(), x) -
                                 unit_cumulative_.begin()),
        unit_cumulative_.size() - 1);
  }
  double unit_weight(std::size_t u) const { return unit_weight_[u]; }
  /// An expert of unit `u`, by weight.
  int expert_in(std::size_t u, std::mt19937_64& rng) const {
    const auto& c = cumulative_[u];
    const double x = std::uniform_real_distribution<double>(0.0, c.back())(rng);
    const auto i = std::min<std::size_t>(
        static_cast<std::size_t>(std::upper_bound(c.begin(), c.end(), x) - c.begin()), c.size() - 1);
    return experts_[u][i];
  }
  /// One of `units` (distinct unit ids), by their weights.
  std::size_t unit_among(const std::vector<std::size_t>& units, std::mt19937_64& rng) const {
    double total = 0;
    for (auto u : units) total += unit_weight_[u];
    double x = std::uniform_real_distribution<double>(0.0, total)(rng);
    for (auto u : units) {
      x -= unit_weight_[u];
      if (x <= 0) return u;
    }
    return units.back();
  }

 private:
  std::vector<std::vector<int>> experts_;
  std::vector<std::vector<double>> cumulative_;
  std::vector<double> unit_weight_, unit_cumulative_;
};

/// One token's experts: up to `limit` distinct units (all when limit is 0), then top_k distinct experts in
/// them (exactly top_k / limit per unit when `exact`). Units are drawn without replacement by weight;
/// duplicate experts are redrawn.
void route_token(const UnitSampler& us, int limit, bool exact, int top_k, std::mt19937_64& rng,
                 std::vector<std::size_t>& units, std::vector<int>& chosen) {
  units.clear();
  chosen.clear();
  const std::size_t all = us.units();
  const auto n_units = limit > 0 ? std::min<std::size_t>(static_cast<std::size_t>(limit), all) : all;
  if (n_units == all) {
    for (std::size_t u = 0; u < all; ++u)
      if (us.unit_weight(u) > 0) units.push_back(u);
  } else {
    while (units.size() < n_units) {  // by weight, rejecting units already chosen
      const std::size_t u = us.any_unit(rng);
      if (std::find(units.begin(), units.end(), u) == units.end()) units.push_back(u);
    }
  }
  const auto add_distinct = [&](std::size_t u) {
    for (;;) {
      const int e = us.expert_in(u, rng);
      if (std::find(chosen.begin(), chosen.end(), e) == chosen.end()) {
        chosen.push_back(e);
        return;
      }
    }
  };
  if (exact) {
    for (auto u : units)
      for (int j = 0; j < top_k / limit; ++j) add_distinct(u);
    return;
  }
  while (static_cast<int>(chosen.size()) < top_k) {  // each redraw picks its unit again
    const int e = us.expert_in(us.unit_among(units, rng), rng);
    if (std::find(chosen.begin(), chosen.end(), e) == chosen.end()) chosen.push_back(e);
  }
}

}  // namespace

namespace {

/// Adds one routed token to its sender's counts: a copy per chosen expert, and the transfers its dispatch
/// sends (per expert, group, device or node; DispatchUnit) to each member and each node.
void count_token(const RoutingStructure& st, const std::vector<int>& chosen, std::vector<double>& row,
                 std::vector<double>& to_member, std::vector<double>& to_node, std::vector<int>& seen_members,
                 std::vector<int>& seen_nodes) {
  seen_members.clear();
  seen_nodes.clear();
  for (int e : chosen) {
    row[static_cast<std::size_t>(e)] += 1;
    const int mem = st.expert_member[static_cast<std::size_t>(e)];
    const int node = st.member_node[static_cast<std::size_t>(mem)];
    if (st.dispatch == DispatchUnit::kExpert) to_member[static_cast<std::size_t>(mem)] += 1;
    if (std::find(seen_members.begin(), seen_members.end(), mem) == seen_members.end()) {
      seen_members.push_back(mem);
      if (st.dispatch == DispatchUnit::kDevice || st.dispatch == DispatchUnit::kNode)
        to_member[static_cast<std::size_t>(mem)] += 1;
    }
    if (std::find(seen_nodes.begin(), seen_nodes.end(), node) == seen_nodes.end()) {
      seen_nodes.push_back(node);
      to_node[static_cast<std::size_t>(node)] += 1;
    }
  }
  if (st.dispatch != DispatchUnit::kGroup) return;
  // One transfer per chosen group and device holding its chosen experts (one per group when a group
  // lives on one device, as Shazeer et al.'s secondary MoEs do).
  seen_members.clear();
  for (int e : chosen) {
    const int key = st.expert_group[static_cast<std::size_t>(e)] * st.members() +
                    st.expert_member[static_cast<std::size_t>(e)];
    if (std::find(seen_members.begin(), seen_members.end(), key) != seen_members.end()) continue;
    seen_members.push_back(key);
    to_member[static_cast<std::size_t>(st.expert_member[static_cast<std::size_t>(e)])] += 1;
  }
}

}  // namespace

bool routable(const RoutingStructure& st, int top_k) {
  std::map<int, int> size;
  for (int u : st.expert_group) ++size[u];
  std::vector<int> sizes;
  for (const auto& [u, n] : size) sizes.push_back(n);
  std::sort(sizes.begin(), sizes.end());
  const auto limit =
      static_cast<std::size_t>(st.unit_limit > 0 ? st.unit_limit : static_cast<int>(sizes.size()));
  const int reachable = std::accumulate(
      sizes.begin(), sizes.begin() + static_cast<std::ptrdiff_t>(std::min(limit, sizes.size())), 0);
  if (reachable < top_k) return false;
  return !st.exact_per_unit || sizes.front() >= top_k / std::max(1, st.unit_limit);
}

ExpertLoad draw_structured_load(const RoutingDistribution& dist, const RoutingStructure& st, int top_k,
                                double tokens, double capacity_factor, int layer) {
  const int experts = static_cast<int>(st.expert_member.size());
  const int members = st.members();
  if (experts <= 0 || members <= 0 || top_k <= 0 || top_k > experts)
    throw std::invalid_argument("draw_structured_load: bad structure");
  if (!routable(st, top_k))
    throw std::invalid_argument("draw_structured_load: top_k experts do not fit in the allowed units");
  const std::uint64_t seed = draw_seed_of(dist, layer);
  std::mt19937_64 rng(seed);
  const UnitSampler us(st, popularity(dist, experts, rng));
  const int nodes = 1 + *std::max_element(st.member_node.begin(), st.member_node.end());
  ExpertLoad load;
  load.draw_seed = seed;
  load.last_copy_keep = dist.last_copy_keep;
  load.dispatch = st.dispatch;
  load.member_node = st.member_node;
  load.routed_tokens.assign(static_cast<std::size_t>(experts), 0.0);
  load.sender_rows.assign(static_cast<std::size_t>(members),
                          std::vector<double>(load.routed_tokens.size(), 0.0));
  load.sender_member_transfers.assign(static_cast<std::size_t>(members),
                                      std::vector<double>(static_cast<std::size_t>(members), 0.0));
  load.sender_node_transfers.assign(static_cast<std::size_t>(members),
                                    std::vector<double>(static_cast<std::size_t>(nodes), 0.0));
  const auto per_sender = static_cast<std::int64_t>(std::llround(tokens / members));
  std::vector<std::size_t> units;
  std::vector<int> chosen, seen_members, seen_nodes;
  for (int s = 0; s < members; ++s) {
    auto& row = load.sender_rows[static_cast<std::size_t>(s)];
    auto& to_member = load.sender_member_transfers[static_cast<std::size_t>(s)];
    auto& to_node = load.sender_node_transfers[static_cast<std::size_t>(s)];
    for (std::int64_t t = 0; t < per_sender; ++t) {
      route_token(us, st.unit_limit, st.exact_per_unit, top_k, rng, units, chosen);
      if (dist.last_copy_keep < 1 &&
          std::uniform_real_distribution<double>(0.0, 1.0)(rng) >= dist.last_copy_keep)
        chosen.pop_back();  // the random second expert not dispatched
      count_token(st, chosen, row, to_member, to_node, seen_members, seen_nodes);
    }
    for (std::size_t e = 0; e < row.size(); ++e) load.routed_tokens[e] += row[e];
  }
  const double all_tokens = static_cast<double>(per_sender * members);
  load.capacity_tokens =
      capacity_factor > 0 ? std::ceil(capacity_factor * all_tokens * top_k / experts) : all_tokens * top_k;
  load.accepted_tokens.resize(load.routed_tokens.size());
  double dropped = 0;
  for (std::size_t e = 0; e < load.routed_tokens.size(); ++e) {
    load.accepted_tokens[e] = std::min(load.routed_tokens[e], load.capacity_tokens);
    dropped += load.routed_tokens[e] - load.accepted_tokens[e];
  }
  const double copies = std::accumulate(load.routed_tokens.begin(), load.routed_tokens.end(), 0.0);
  load.dropped_fraction = copies > 0 ? dropped / copies : 0.0;
  return load;
}

}  // namespace moesim::sim
