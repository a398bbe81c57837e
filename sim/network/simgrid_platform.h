// moesim — a SimGrid platform built from a Topology. This header does not include SimGrid.
#pragma once

#include <utility>
#include <vector>

#include "sim/network/link_model.h"
#include "topologies/topology.h"

namespace simgrid::s4u {
class Host;
class Link;
}  // namespace simgrid::s4u

namespace moesim::network {

/// What build_simgrid_platform() created: one host per device (index = device rank), `extra_hosts`
/// helper hosts (timers for fixed costs), one SimGrid link per directed link (index = LinkId).
struct SimGridPlatform {
  std::vector<simgrid::s4u::Host*> devices;
  std::vector<simgrid::s4u::Host*> extra;
  std::vector<simgrid::s4u::Link*> links;
};

/// Options of the platform.
struct PlatformOptions {
  /// Give SimGrid links the topology's latencies. Off for collectives, whose schedules carry the
  /// library's end-to-end latencies (NCCL's per-hop constants include the wire).
  bool link_latency = false;
  double host_speed_flops = 1e9;  ///< speed of every host (timers run overhead_s x this many FLOPs)
};

/// Builds the platform inside the current sg4::Engine (call after creating the engine, before run()):
/// a Full zone named "fabric", hosts "dev<d>" and "extra<i>", a router per switch vertex, a SHARED link
/// per directed edge at its LinkModel bandwidth, and an explicit route (Topology::single_path) for every
/// (src, dst) pair in `pairs` (SimGrid routes are single paths: no ECMP). The step engine can call it to
/// run a whole step's activities on the same platform as the collective backends.
SimGridPlatform build_simgrid_platform(const topologies::Topology& topology, const LinkModel& links,
                                       const std::vector<std::pair<int, int>>& pairs, int extra_hosts,
                                       const PlatformOptions& options = {});

}  // namespace moesim::network
