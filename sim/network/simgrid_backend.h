// moesim — the SimGrid backends (ptask and flow). This header does not include SimGrid: only
// simgrid_backend.cpp does, so nothing else in moesim sees SimGrid.
#pragma once

#include <memory>

#include "sim/network/network_backend.h"

namespace moesim::network {

/// The flow backend refuses schedules that touch more devices than this: per-flow max-min sharing costs
/// grow much faster than the flow count (design.md: an all-to-all among 256 endpoints as 65,280 flows took
/// about a minute on 2 cores), so above it the analytic or ptask backend must be used.
inline constexpr int kFlowMaxEndpoints = 256;

/// SimGrid 3.32 backends over a platform built from the Topology: one host per device, one router per
/// switch, one SHARED link per directed edge (bandwidth, latency), and an explicit route (Full zone) per
/// communicating pair taken from Topology::single_path (no ECMP: SimGrid routes are single paths).
/// Phases are chained from completion callbacks (no actors, simgrid-and-style.md §1.4); a phase's fixed
/// overhead is an Exec on a private timer host of the schedule.
///
/// - kPtask (`host/model:ptask_L07`): each phase is ONE parallel task whose bytes matrix holds the phase's
///   transfers among its participants, so all of them finish together at the bottleneck link's pace plus
///   the largest route latency. A sparse phase (participants² > 16 × transfers, e.g. a ring step among
///   1,024 devices) is issued as one 2-host ptask per transfer instead, because L07 builds the dense matrix
///   in O(participants²) per task.
/// - kFlow (`network/model:CM02`, `network/crosstraffic:0`, TCP-gamma bound disabled): each transfer is
///   one Comm::sendto flow; max-min fair sharing weighted by route latency (CM02's RTT weighting).
///   Refuses (std::invalid_argument) more than kFlowMaxEndpoints devices.
///
/// One engine per process: with BackendOptions::isolate (default) every simulate() runs in a forked
/// child; otherwise a second simulate() call in the process throws std::logic_error.
std::unique_ptr<NetworkBackend> make_simgrid_backend(BackendKind kind, const topologies::Topology& topology,
                                                     const BackendOptions& options);

}  // namespace moesim::network
