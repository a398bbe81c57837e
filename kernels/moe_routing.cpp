#include "kernels/moe_routing.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace moesim::kernels {

void validate_gating_config(const GatingConfig& cfg) {
  auto fail = [](const std::string& what) { throw std::invalid_argument("gating config: " + what); };
  if (cfg.tokens <= 0) fail("tokens must be > 0");
  if (cfg.experts <= 0 || cfg.experts > kMaxExperts) fail("experts must be in [1, 256]");
  if (cfg.k < 1 || cfg.k > kMaxTopK || cfg.k > cfg.experts) fail("k must be in [1, min(8, experts)]");
  if (cfg.policy == GatingPolicy::kTop1Switch && cfg.k != 1) fail("top-1 (Switch) needs k = 1");
  if (cfg.policy == GatingPolicy::kTop2GShard && cfg.k != 2) fail("top-2 (GShard) needs k = 2");
  if (!(cfg.noise_std >= 0.0f)) fail("noise_std must be >= 0");
}

int expert_capacity(const GatingConfig& cfg) {
  validate_gating_config(cfg);
  const double copies = static_cast<double>(cfg.tokens) * cfg.k;
  if (cfg.capacity_factor <= 0.0) return static_cast<int>(copies);
  const double cap = std::ceil(cfg.capacity_factor * copies / cfg.experts);
  return static_cast<int>(std::min(cap, copies));
}

}  // namespace moesim::kernels
