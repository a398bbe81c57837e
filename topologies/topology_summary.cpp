#include "topologies/topology_summary.h"

#include <algorithm>

namespace moesim::topologies {

int diameter_hops(const Topology& topology) {
  const int n = topology.device_count();
  int best = 0;
  for (int s = 0; s < n; ++s) {
    for (int d = 0; d < n; ++d) best = std::max(best, topology.hop_count(s, d));
  }
  return best;
}

TopologySummary summarize(const Topology& topology) {
  TopologySummary s;
  s.description = topology.description();
  s.devices = topology.device_count();
  s.nodes = topology.node_count();
  s.switches = topology.switch_count();
  s.links = static_cast<int>(topology.link_count());
  s.bisection_Bps = topology.bisection_bandwidth_Bps();
  for (const auto& name : topology.tiers()) s.tiers.push_back(TierSummary{name});
  for (std::size_t l = 0; l < topology.link_count(); ++l) {
    const LinkProps& p = topology.link(static_cast<LinkId>(l));
    TierSummary& t = s.tiers[p.tier];
    ++t.links;
    t.bandwidth_Bps = std::max(t.bandwidth_Bps, p.bandwidth_Bps);
    t.latency_s = std::max(t.latency_s, p.latency_s);
    t.total_bandwidth_Bps += p.bandwidth_Bps;
  }
  const int n = topology.device_count();
  int far_s = 0, far_d = 0;
  for (int a = 0; a < n; ++a) {
    for (int b = 0; b < n; ++b) {
      const int h = topology.hop_count(a, b);
      if (h > s.diameter_hops) {
        s.diameter_hops = h;
        far_s = a;
        far_d = b;
      }
    }
  }
  s.max_route_latency_s = topology.route_latency_s(far_s, far_d);
  return s;
}

}  // namespace moesim::topologies
