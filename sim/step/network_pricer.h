// moesim — prices a step's network demands on the full cluster with a network backend.
#pragma once

#include <vector>

#include "sim/network/network_backend.h"
#include "sim/step/step_builder.h"
#include "topologies/topology.h"

namespace moesim::sim {

/// The price of one demand: time, and what it put on the network (all concurrent groups together).
struct DemandPrice {
  double time_s = 0;               ///< alone on the network: every concurrent group of the demand at once
  double latency_s = 0;            ///< the part of time_s that sharing links does not stretch (fixed costs)
  double network_bytes = 0;        ///< bytes sent device to device (not counting hops)
  std::vector<double> tier_bytes;  ///< link-crossing bytes per tier (Topology::tiers())
  /// Per tier: bytes on the tier's busiest link over its bandwidth, i.e. the seconds that link is busy
  /// with this demand. The step engine shares links between concurrent demands with these.
  std::vector<double> tier_busy_s;
  double busiest_link_utilisation = 0;
  topologies::LinkId busiest_link = 0;
};

/// The transfer schedules of demand `d`, one per group that runs it (all at once): every expert-parallel
/// group of the demand's stage for an all-to-all, every group of the kind for an all-reduce, every device of
/// the stage sending to the next for p2p.
std::vector<network::Schedule> demand_schedules(const BuiltStep& step, const workloads::RunSpec& run,
                                                const topologies::Topology& topology, const NetworkDemand& d);

/// Prices every demand of `step` on `topology`: an all-to-all demand is every expert-parallel group of one
/// stage exchanging its routed tokens at once (all tensor ranks, all data-parallel replicas), with per-pair
/// bytes from the routing draw; all-reduces are every group of that kind at once; p2p is every device of a
/// stage sending to the next. Concurrent groups share links (backend contention).
std::vector<DemandPrice> price_demands(const BuiltStep& step, const workloads::RunSpec& run,
                                       const topologies::Topology& topology,
                                       network::NetworkBackend& backend);

}  // namespace moesim::sim
