// moesim — bytes per directed link from the routes of a schedule's transfers.
#pragma once

#include <vector>

#include "sim/network/network_backend.h"

namespace moesim::network {

/// Per directed link: bytes carried (repetitions included) and the same over each phase's efficiency
/// (the bytes the link is busy with at its achievable bandwidth).
struct LinkTotals {
  std::vector<double> bytes;
  std::vector<double> effective_bytes;
};

/// Routes every transfer of `schedules` and sums per link. With `single_path` the deterministic path (as
/// SimGrid sees it) is used, otherwise the ECMP route with its fractions (Topology::accumulate_flows).
LinkTotals accumulate_link_bytes(const topologies::Topology& topology, const std::vector<Schedule>& schedules,
                                 bool single_path);

/// Fills the counters of `result` (tier bytes, per-tier busy time, busiest link and its utilisation over
/// result.time_s, and link_bytes when `keep`) from per-link totals.
void fill_link_counters(const topologies::Topology& topology, const LinkModel& links,
                        const LinkTotals& totals, bool keep, NetworkResult& result);

}  // namespace moesim::network
