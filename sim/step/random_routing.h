// moesim — GShard's random second expert: how often a top-2 token's second copy is dispatched.
#pragma once

namespace moesim::sim {

/// The probability that GShard's random routing dispatches a token's second expert (Lepikhin et al. 2020,
/// §2.2 "Random routing" and Algorithm 1; Lingvo's Top2GatingOnLogits, second_expert_policy "random"):
/// with g1, g2 the two largest softmax gates renormalised to g1 + g2 = 1, the second expert is kept when
/// 2·g2 exceeds a uniform draw, i.e. with probability 2·g2 = 2 / (1 + exp(l1 - l2)) for the two largest
/// logits l1 >= l2. The logits of one token over `experts` experts are modelled as independent normals of
/// standard deviation `logit_std`; the expectation over the joint density of their two largest order
/// statistics, E(E-1) φ(a) φ(b) Φ(b)^(E-2) for a > b, is integrated numerically by the trapezoid rule
/// (about 1M exp calls, ~5 ms: compute it once per run).
/// Returns 1 for experts < 2 (there is no second expert to drop).
double second_expert_dispatch_probability(int experts, double logit_std);

}  // namespace moesim::sim
