// moesim — prices a step's network demands on the full cluster with a network backend.
#pragma once

#include <string>
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
  /// Per tier: the seconds the tier's busiest link is busy with this demand (its bytes over its
  /// achievable bandwidth, protocol efficiency included). The step engine shares links between concurrent
  /// demands with these.
  std::vector<double> tier_busy_s;
  double busiest_link_utilisation = 0;
  topologies::LinkId busiest_link = 0;
  std::string algorithm;  ///< the collective library's choice, e.g. "nvls-tree/simple", "direct"
};

/// The transfer schedules of every demand of `step` (one list per demand, one schedule per group that runs
/// it at the same time), with the collective library's choices price_demands makes: what the SimGrid step
/// engine runs.
std::vector<std::vector<network::Schedule>> demand_schedules(const BuiltStep& step,
                                                             const workloads::RunSpec& run,
                                                             const topologies::Topology& topology);

/// Prices every demand of `step` on `topology`: an all-to-all demand is every expert-parallel group of its
/// stage exchanging its routed tokens at once (all tensor ranks, all data-parallel replicas), with per-pair
/// bytes from per-sender routing draws (the combine sends the transpose); all-reduces are every group of
/// that kind of the demand's stage at once; p2p is every device of a stage sending to the next. Each group's
/// algorithm is the collective library's choice (collectives::CollectiveModel::plan, the tuner `moesim
/// collective` uses; all-to-alls as `simulation.all_to_all` says), made once per group shape. Concurrent
/// groups share links (backend contention).
///
/// Throws ConfigError (key `simulation.backend`) before building anything when the backend is `flow` and
/// the step spans more devices than it can simulate.
std::vector<DemandPrice> price_demands(const BuiltStep& step, const workloads::RunSpec& run,
                                       const topologies::Topology& topology,
                                       network::NetworkBackend& backend);

}  // namespace moesim::sim
