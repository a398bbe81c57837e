#include "sim/step/random_routing.h"

#include <cmath>
#include <numbers>

namespace moesim::sim {

namespace {

double normal_pdf(double x) {
  return std::exp(-0.5 * x * x) / std::sqrt(2 * std::numbers::pi);
}
double normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::numbers::sqrt2);
}

/// E[2 / (1 + exp(σ (a - b)))] over the top value a > b given the second largest is b: the normal
/// density above b, integrated by the trapezoid rule over [b, b + 12] (the tail beyond is below 1e-30).
double keep_given_second(double b, double logit_std, double tail) {
  constexpr int kSteps = 600;
  const double h = 12.0 / kSteps;
  double sum = 0;
  for (int i = 0; i <= kSteps; ++i) {
    const double a = b + i * h;
    const double f = normal_pdf(a) * 2.0 / (1.0 + std::exp(logit_std * (a - b)));
    sum += (i == 0 || i == kSteps) ? f / 2 : f;
  }
  return sum * h / tail;  // conditional on a > b
}

}  // namespace

double second_expert_dispatch_probability(int experts, double logit_std) {
  if (experts < 2) return 1.0;
  const double n = static_cast<double>(experts);
  // Density of the second largest b: E(E-1) φ(b) Φ(b)^(E-2) (1 - Φ(b)), and the largest above it.
  constexpr int kSteps = 1600;
  const double lo = -9.0, hi = 9.0, h = (hi - lo) / kSteps;
  double mass = 0, keep = 0;
  for (int i = 0; i <= kSteps; ++i) {
    const double b = lo + i * h;
    const double tail = 0.5 * std::erfc(b / std::numbers::sqrt2);  // 1 - Φ(b), accurate in the far tail
    if (!(tail > 0)) continue;
    const double log_density = std::log(n) + std::log(n - 1) + std::log(normal_pdf(b)) +
                               (n > 2 ? (n - 2) * std::log(normal_cdf(b)) : 0.0) + std::log(tail);
    const double w = std::exp(log_density) * ((i == 0 || i == kSteps) ? 0.5 : 1.0);
    if (!(w > 0)) continue;
    mass += w;
    keep += w * keep_given_second(b, logit_std, tail);
  }
  return mass > 0 ? keep / mass : 1.0;
}

}  // namespace moesim::sim
