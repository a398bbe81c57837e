// moesim — what each collective of the step costs alone, and which links it shares with the others.
#pragma once

#include <string>
#include <vector>

#include "sim/step/network_pricer.h"
#include "sim/step/step_graph.h"

namespace moesim::sim {

/// Resource ids for the link sharing of the step's collectives. A tier whose links each belong to one
/// device (its NVLink port, its PCIe lane, its NIC cable, its ICI links) gets one resource per simulated
/// device: collectives of different devices do not meet there. A switch-to-switch tier (fat-tree spine and
/// core, dragonfly local and global) gets one resource for the whole tier: any two collectives that cross it
/// are taken to meet on its busiest links (a bound: they may use different ones).
class LinkResources {
 public:
  LinkResources(const std::vector<std::string>& tiers, int simulated_devices);

  /// Whether every link of `tier` is attached to one device.
  static bool device_attached(const std::string& tier);
  std::size_t count() const { return count_; }
  /// Resource of tier `tier` (index into the tier list) as seen from simulated device `device`.
  std::int32_t of(std::size_t tier, int device) const;

 private:
  std::vector<std::int32_t> first_;  ///< per tier: its first resource id
  std::vector<bool> per_device_;
  std::size_t count_ = 0;
};

/// Copies each demand's price into the collectives that refer to it: duration, fixed latency, and the busy
/// time of each tier on the resources of the collective's participants.
void assign_collective_costs(StepGraph& graph, const std::vector<DemandPrice>& prices,
                             const LinkResources& resources);

}  // namespace moesim::sim
