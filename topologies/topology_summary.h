// moesim — the numbers `moesim topology` prints: counts, diameter, bisection, links per tier.
#pragma once

#include <string>
#include <vector>

#include "topologies/topology.h"

namespace moesim::topologies {

/// Links of one tier: how many directed links, their bandwidth (one direction) and latency.
struct TierSummary {
  std::string name;
  int links = 0;             ///< directed links (a full-duplex cable counts twice)
  double bandwidth_Bps = 0;  ///< of one link (the largest if they differ)
  double latency_s = 0;
  double total_bandwidth_Bps = 0;  ///< sum over its directed links
};

/// Size and shape of a fabric.
struct TopologySummary {
  std::string description;
  int devices = 0;
  int nodes = 0;
  int switches = 0;
  int links = 0;                   ///< directed links
  int diameter_hops = 0;           ///< largest hop_count over device pairs
  double max_route_latency_s = 0;  ///< latency of a diameter route
  double bisection_Bps = 0;
  std::vector<TierSummary> tiers;
};

/// Computes the summary. The diameter is the maximum of hop_count() over all device pairs (O(N^2) calls of
/// an O(1) function: 17M pairs for a TPUv4 pod).
TopologySummary summarize(const Topology& topology);

/// Largest hop_count over all ordered device pairs.
int diameter_hops(const Topology& topology);

}  // namespace moesim::topologies
