#include "sim/network/link_accounting.h"

namespace moesim::network {

void accumulate_link_bytes(const topologies::Topology& topology, const std::vector<Schedule>& schedules,
                           bool single_path, std::vector<double>& link_bytes) {
  link_bytes.assign(topology.link_count(), 0.0);
  std::vector<topologies::RouteHop> hops;
  std::vector<topologies::LinkId> path;
  for (const auto& s : schedules)
    for (const auto& p : s.phases)
      for (const auto& t : p.transfers) {
        if (t.src == t.dst || t.bytes <= 0) continue;
        if (single_path) {
          topology.single_path(t.src, t.dst, path);
          for (auto l : path) link_bytes[l] += t.bytes;
        } else {
          topology.route(t.src, t.dst, hops);
          for (const auto& h : hops) link_bytes[h.link] += t.bytes * h.fraction;
        }
      }
}

void fill_link_counters(const topologies::Topology& topology, std::vector<double> link_bytes, bool keep,
                        NetworkResult& result) {
  result.tier_bytes.assign(topology.tiers().size(), 0.0);
  double worst = -1;
  for (std::size_t l = 0; l < link_bytes.size(); ++l) {
    const auto& props = topology.link(static_cast<topologies::LinkId>(l));
    if (props.tier >= 0 && static_cast<std::size_t>(props.tier) < result.tier_bytes.size())
      result.tier_bytes[props.tier] += link_bytes[l];
    const double busy_s = link_bytes[l] / props.bandwidth_Bps;
    if (busy_s > worst) {
      worst = busy_s;
      result.busiest_link = static_cast<topologies::LinkId>(l);
      result.busiest_link_bytes = link_bytes[l];
    }
  }
  result.busiest_link_utilisation = (result.time_s > 0 && worst > 0) ? worst / result.time_s : 0.0;
  if (keep) result.link_bytes = std::move(link_bytes);
}

}  // namespace moesim::network
