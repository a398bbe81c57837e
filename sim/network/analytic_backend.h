// moesim — the analytic network backend: link loads from the routes, slowest link wins.
#pragma once

#include "sim/network/network_backend.h"

namespace moesim::network {

/// Bulk-synchronous model with congestion, as the "congestion-aware analytical" backends of ASTRA-sim and
/// SimAI (simulators-state-of-the-art.md §1.1), over an arbitrary routed graph:
///
/// - Schedules run in lockstep: repetition r of phase p of every concurrent schedule forms one round with
///   the same position in the others. In a round each transfer's bytes (over the phase's efficiency) are
///   spread over the links of its route with the ECMP fractions; a link's load is the sum over schedules.
/// - A schedule's repetition takes overhead_s + max(min_time_s, max over the links it uses of load /
///   achievable bandwidth); the round lasts as long as its slowest schedule. launch_s is a leading round.
/// - Repeated phases are evaluated once and multiplied, and schedules of the same phase structure are
///   merged before evaluation (in lockstep they end together), so a ring over 16,384 devices costs one
///   routed step and 2,048 tensor-parallel groups cost one merged schedule.
///
/// Exact for one phase whose transfers all progress at the bottleneck rate (ptask_L07 semantics); a
/// transfer on an unloaded path could finish early (the flow backend sees that). Route accounting uses
/// Topology::accumulate_flows (aggregated per leaf and pod on fat-trees).
class AnalyticBackend final : public NetworkBackend {
 public:
  AnalyticBackend(const topologies::Topology& topology, BackendOptions options);
  BackendKind kind() const override { return BackendKind::kAnalytic; }
  using NetworkBackend::simulate;
  NetworkResult simulate(const std::vector<Schedule>& concurrent) override;

 private:
  const topologies::Topology& topology_;
  BackendOptions options_;
};

/// Time of `schedule` alone under the analytic model (what the collective tuner compares), seconds.
double analytic_time_s(const Schedule& schedule, const topologies::Topology& topology,
                       const LinkModel& links);
/// Per phase of `schedule`: seconds its busiest link needs for one repetition at efficiency 1.
std::vector<double> phase_busy_s(const Schedule& schedule, const topologies::Topology& topology,
                                 const LinkModel& links);
/// The analytic time of `schedule` alone given phase_busy_s() of a schedule with the same transfers
/// (one routed build prices every protocol: only efficiency, floors and latencies differ).
double time_from_busy_s(const Schedule& schedule, const std::vector<double>& busy_s);

}  // namespace moesim::network
