#include "sim/step/collective_costs.h"

#include <algorithm>
#include <stdexcept>

namespace moesim::sim {

LinkResources::LinkResources(const std::vector<std::string>& tiers, int simulated_devices) {
  for (const auto& t : tiers) {
    first_.push_back(static_cast<std::int32_t>(count_));
    per_device_.push_back(device_attached(t));
    count_ += per_device_.back() ? static_cast<std::size_t>(simulated_devices) : 1;
  }
}

bool LinkResources::device_attached(const std::string& tier) {
  return tier == "nvlink" || tier == "pcie" || tier == "nic" || tier == "ici";
}

std::int32_t LinkResources::of(std::size_t tier, int device) const {
  if (tier >= first_.size()) throw std::out_of_range("LinkResources: tier out of range");
  return first_[tier] + (per_device_[tier] ? device : 0);
}

void assign_collective_costs(StepGraph& graph, const std::vector<DemandPrice>& prices,
                             const LinkResources& resources) {
  const auto& ops = graph.ops();
  for (auto& c : graph.mutable_collectives()) {
    if (c.demand < 0) continue;
    const auto& p = prices.at(static_cast<std::size_t>(c.demand));
    c.duration_s = p.time_s;
    c.latency_s = std::min(p.latency_s, p.time_s);
    c.uses.clear();
    for (std::size_t t = 0; t < p.tier_busy_s.size(); ++t) {
      if (!(p.tier_busy_s[t] > 0)) continue;
      std::vector<std::int32_t> ids;
      for (auto id : c.ops) ids.push_back(resources.of(t, ops[static_cast<std::size_t>(id)].device));
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      for (auto r : ids) c.uses.push_back({r, p.tier_busy_s[t]});
    }
  }
}

}  // namespace moesim::sim
