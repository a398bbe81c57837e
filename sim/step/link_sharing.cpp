#include "sim/step/link_sharing.h"

#include <algorithm>
#include <stdexcept>

namespace moesim::sim {
namespace {

constexpr double kSaturated = 1e-9;  // a resource this close to full counts as saturated
constexpr double kSlowest = 1e-9;    // floor on a speed, against rounding (a true share is >= 1/users)

double busy_fraction(const SharingDemand& d, const ResourceUse& u) {
  return d.bandwidth_s > 0 ? std::min(1.0, u.busy_s / d.bandwidth_s) : 0.0;
}

}  // namespace

std::vector<double> LinkSharing::speeds(const std::vector<SharingDemand>& demands) {
  const std::size_t n = demands.size();
  std::vector<double> speed(n, 1.0);
  std::vector<char> frozen(n, 0);
  std::size_t unfrozen = 0;
  touched_.clear();
  for (std::size_t i = 0; i < n; ++i) {
    const auto& d = demands[i];
    if (d.uses == nullptr || d.uses->empty() || !(d.bandwidth_s > 0)) {
      frozen[i] = 1;  // nothing shared: runs as alone
      continue;
    }
    ++unfrozen;
    for (const auto& u : *d.uses) {
      if (u.resource < 0 || static_cast<std::size_t>(u.resource) >= load_.size())
        throw std::out_of_range("LinkSharing: resource id out of range");
      touched_.push_back(u.resource);
    }
  }
  std::sort(touched_.begin(), touched_.end());
  touched_.erase(std::unique(touched_.begin(), touched_.end()), touched_.end());

  while (unfrozen > 0) {
    for (auto r : touched_) slope_[static_cast<std::size_t>(r)] = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (frozen[i]) continue;
      for (const auto& u : *demands[i].uses)
        slope_[static_cast<std::size_t>(u.resource)] += busy_fraction(demands[i], u);
    }
    double level = 1.0;
    for (auto r : touched_) {
      const auto k = static_cast<std::size_t>(r);
      if (slope_[k] > 0) level = std::min(level, (1.0 - load_[k]) / slope_[k]);
    }
    level = std::max(level, kSlowest);
    const bool all_done = level >= 1.0;
    for (std::size_t i = 0; i < n; ++i) {
      if (frozen[i]) continue;
      bool saturated = all_done;
      for (const auto& u : *demands[i].uses) {
        const auto k = static_cast<std::size_t>(u.resource);
        if (slope_[k] > 0 && 1.0 - load_[k] - level * slope_[k] <= kSaturated) saturated = true;
      }
      speed[i] = level;
      if (!saturated) continue;
      frozen[i] = 1;
      --unfrozen;
    }
    // Loads of the demands frozen in this round (computed after the saturation test, which must see the
    // loads as they were at `level`).
    for (auto r : touched_) load_[static_cast<std::size_t>(r)] = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!frozen[i] || demands[i].uses == nullptr || !(demands[i].bandwidth_s > 0)) continue;
      for (const auto& u : *demands[i].uses)
        load_[static_cast<std::size_t>(u.resource)] += speed[i] * busy_fraction(demands[i], u);
    }
  }
  for (auto r : touched_) {
    load_[static_cast<std::size_t>(r)] = 0;
    slope_[static_cast<std::size_t>(r)] = 0;
  }
  return speed;
}

}  // namespace moesim::sim
