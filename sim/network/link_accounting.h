// moesim — bytes per directed link from the routes of a schedule's transfers.
#pragma once

#include <vector>

#include "sim/network/network_backend.h"

namespace moesim::network {

/// Adds every transfer's bytes to the links of its route into `link_bytes` (size Topology::link_count()).
/// With `single_path` the deterministic path (as SimGrid sees it) is used, otherwise the ECMP route with
/// its fractions.
void accumulate_link_bytes(const topologies::Topology& topology, const std::vector<Schedule>& schedules,
                           bool single_path, std::vector<double>& link_bytes);

/// Fills the counters of `result` (tier bytes, busiest link and its utilisation over result.time_s, and
/// link_bytes when `keep`) from per-link bytes.
void fill_link_counters(const topologies::Topology& topology, std::vector<double> link_bytes, bool keep,
                        NetworkResult& result);

}  // namespace moesim::network
