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

/// SimGrid 3.32 backends over the platform of build_simgrid_platform() (simgrid_platform.h): one host per
/// device, one router per switch, one SHARED link per directed edge at its achievable bandwidth
/// (LinkModel) and no latency (the schedules carry the library's end-to-end latencies), and an explicit
/// route per communicating pair from Topology::single_path (d-mod-k on fat-trees: SimGrid routes are single
/// paths). Phases are chained from completion callbacks (no actors, simgrid-and-style.md §1.4): a phase's
/// overheads are an Exec on a timer host of its schedule, its protocol floor (Phase::min_time_s) an Exec on
/// a second timer host that runs with the transfers; a phase repeated r times runs once with r x its bytes
/// (and r x overhead and floor), its bytes divided by the protocol efficiency.
///
/// - kPtask (`host/model:ptask_L07`): each phase is ONE parallel task whose bytes matrix holds the phase's
///   transfers among its participants, so all of them finish together at the bottleneck link's pace. A
///   sparse phase (participants² > 16 × transfers, e.g. a ring step among 1,024 devices) is issued as one
///   2-host ptask per transfer instead, because L07 builds the dense matrix in O(participants²) per task.
/// - kFlow (`network/model:CM02`, `network/crosstraffic:0`, TCP-gamma bound disabled): each transfer is
///   one Comm::sendto flow; max-min fair sharing. Refuses (std::invalid_argument) more than
///   kFlowMaxEndpoints devices; callers check the limit before building anything.
///
/// One engine per process: with BackendOptions::isolate (default) every simulate() runs in a forked
/// child; otherwise a second simulate() call in the process throws std::logic_error.
std::unique_ptr<NetworkBackend> make_simgrid_backend(BackendKind kind, const topologies::Topology& topology,
                                                     const BackendOptions& options);

}  // namespace moesim::network
