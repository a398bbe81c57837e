// moesim — the analytic network backend: link loads from the routes, slowest link wins.
#pragma once

#include "sim/network/network_backend.h"

namespace moesim::network {

/// Bulk-synchronous alpha-beta model with congestion, as in the "congestion-aware analytical" backends of
/// ASTRA-sim/SimAI (simulators-state-of-the-art.md §1.1) but over an arbitrary routed graph:
///
/// - Phase r of every concurrent schedule runs in round r (lockstep). In a round each transfer's bytes are
///   spread over the links of its route with the ECMP fractions; the load of a link is the sum over all
///   schedules active in that round.
/// - A schedule's phase takes  overhead_s + max over its transfers of route latency
///   + max over the links it uses of (round load on the link) / bandwidth; the round lasts as long as its
///   slowest schedule. launch_s is added to the first phase.
///
/// Exact for one phase whose transfers all progress at the bottleneck rate (ptask_L07 semantics); it
/// ignores that a transfer on an unloaded path could finish early (the flow backend sees that), and,
/// with concurrent schedules, the lockstep overestimates when their phases do not line up.
/// Cost: O(transfers × route length); an all-to-all among 2,048 devices is ~4.2 M routes.
class AnalyticBackend final : public NetworkBackend {
 public:
  AnalyticBackend(const topologies::Topology& topology, BackendOptions options)
      : topology_(topology), options_(options) {}
  BackendKind kind() const override { return BackendKind::kAnalytic; }
  using NetworkBackend::simulate;
  NetworkResult simulate(const std::vector<Schedule>& concurrent) override;

 private:
  const topologies::Topology& topology_;
  BackendOptions options_;
};

}  // namespace moesim::network
