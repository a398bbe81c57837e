// moesim — how concurrent collectives share the links they cross: max-min fair progressive filling.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/step/step_graph.h"

namespace moesim::sim {

/// One collective that is moving bytes right now: `bandwidth_s` is the time its transfers take alone (its
/// duration without the fixed latency), `uses` the resources it keeps busy for `busy_s` of that time.
struct SharingDemand {
  double bandwidth_s = 0;
  const std::vector<ResourceUse>* uses = nullptr;
};

/// The speed of each demand relative to running alone (1 = as fast as alone, 0.5 = half as fast), max-min
/// fair over the resources: every resource has capacity 1 (one second of busy time per second), a demand
/// running at speed x uses x · busy_s / bandwidth_s of each resource it touches, and speeds are raised
/// together until a resource saturates or a demand reaches 1, the demands on saturated resources keep
/// their speed and the others go on (progressive filling; Bertsekas & Gallager, "Data Networks", 1992,
/// §6.5.2, the fluid model SimGrid's LMM solver also implements: Velho et al., ACM TOMACS 2013).
///
/// `resource_count` bounds the resource ids. The result has one speed in (0, 1] per demand.
class LinkSharing {
 public:
  explicit LinkSharing(std::size_t resource_count)
      : load_(resource_count, 0.0), slope_(resource_count, 0.0) {}

  std::vector<double> speeds(const std::vector<SharingDemand>& demands);

 private:
  std::vector<double> load_;   ///< per resource: busy fraction of the frozen demands
  std::vector<double> slope_;  ///< per resource: busy fraction per unit speed of the unfrozen demands
  std::vector<std::int32_t> touched_;
};

}  // namespace moesim::sim
