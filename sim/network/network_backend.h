// moesim — the narrow network interface: price a batch of concurrent collectives on a Topology.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/network/link_model.h"
#include "sim/network/traffic.h"
#include "topologies/topology.h"

namespace moesim::network {

/// Which simulator prices the traffic.
enum class BackendKind {
  kAnalytic,  ///< bytes per link from the routes, slowest link wins (default; thousands of devices)
  kPtask,     ///< SimGrid, each collective phase one parallel task (host/model:ptask_L07)
  kFlow,      ///< SimGrid, each transfer one flow (network/model:CM02, no cross-traffic); small scales
};

std::string_view backend_name(BackendKind kind);
/// Parses "analytic" | "ptask" | "flow"; throws std::invalid_argument otherwise.
BackendKind parse_backend(std::string_view name);

/// What the network did while the schedules ran.
struct NetworkResult {
  double time_s = 0;                    ///< completion of the last schedule, seconds from the common start
  std::vector<double> schedule_end_s;   ///< completion of each schedule, same order as the input
  std::vector<double> tier_bytes;       ///< bytes that crossed links of each tier (per link, so a 3-hop
                                        ///< transfer counts on 3 links), indexed like Topology::tiers()
  topologies::LinkId busiest_link = 0;  ///< the link with the largest bytes / bandwidth
  double busiest_link_bytes = 0;        ///< bytes it carried
  double busiest_link_utilisation = 0;  ///< its busy time / time_s, in [0, 1]
  /// Per tier: seconds its busiest link is busy (bytes over achievable bandwidth, protocol efficiency
  /// included), indexed like Topology::tiers().
  std::vector<double> tier_busy_s;
  std::vector<double> link_bytes;  ///< bytes per directed link; filled only if asked for
  double wall_s = 0;               ///< the simulator's own wall-clock time, seconds
};

/// Options common to all backends.
struct BackendOptions {
  bool keep_link_bytes = false;  ///< fill NetworkResult::link_bytes
  bool simgrid_log = false;      ///< let SimGrid print its own log (silenced by default)
  /// SimGrid backends: run each simulate() call in a forked child (run_in_subprocess), so that one
  /// process may call simulate() any number of times. Without it, one call per process.
  bool isolate = true;
  /// Achievable bandwidth per link; null: LinkModel::of(topology) (the cluster's hop classes and
  /// calibration, line rate for hand-built fabrics).
  std::shared_ptr<const LinkModel> links;
};

/// Prices traffic on one Topology. A backend simulates all schedules of one call together: they start at
/// time 0 and share links (contention between concurrent collectives is accounted for). Links carry bytes
/// at their achievable bandwidth (LinkModel); latencies are the schedules' own (Schedule::launch_s,
/// Phase::overhead_s), no backend adds link latency.
///
/// SimGrid allows one engine per process (simgrid-and-style.md §1.9): the SimGrid backends run each call
/// in a forked child by default (BackendOptions::isolate); with isolate = false they accept ONE call per
/// process and throw std::logic_error on a second. The analytic backend may be called any number of times.
class NetworkBackend {
 public:
  virtual ~NetworkBackend() = default;
  virtual BackendKind kind() const = 0;
  virtual NetworkResult simulate(const std::vector<Schedule>& concurrent) = 0;
  NetworkResult simulate(const Schedule& one) { return simulate(std::vector<Schedule>{one}); }
};

/// Creates the backend `kind` over `topology` (which must outlive the backend).
std::unique_ptr<NetworkBackend> make_backend(BackendKind kind, const topologies::Topology& topology,
                                             const BackendOptions& options = {});

}  // namespace moesim::network
