#include "sim/step/expert_load.h"

#include <algorithm>
#include <cmath>
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

ExpertLoad draw_expert_load(const RoutingDistribution& dist, int experts, int top_k, double tokens,
                            double capacity_factor, int layer) {
  if (experts <= 0 || top_k <= 0 || top_k > experts)
    throw std::invalid_argument("draw_expert_load: bad experts/top_k");
  const auto e_count = static_cast<std::size_t>(experts);
  const std::uint64_t seed = dist.seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(layer) + 1;
  std::mt19937_64 rng(seed);

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
  const double wsum = std::accumulate(weight.begin(), weight.end(), 0.0);

  // Multinomial draw of token copies by sequential binomials. A token's k experts are distinct; with
  // k << E the independent-copies approximation changes loads by O(k/E) and is kept for speed.
  ExpertLoad load;
  load.draw_seed = seed;
  load.routed_tokens.assign(e_count, 0);
  auto remaining = static_cast<std::int64_t>(std::llround(tokens * top_k));
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
  load.dropped_fraction = tokens > 0 ? dropped / (tokens * top_k) : 0.0;
  return load;
}

namespace {

/// Binomial(n, p) sample. Small means (the common case: a few copies per sender and expert) by inversion
/// of the CDF with the pmf recurrence f(k+1) = f(k) (n-k)/(k+1) p/(1-p), one exp and a few multiplies;
/// otherwise the standard library's sampler.
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
  }
  return out;
}

}  // namespace moesim::sim
