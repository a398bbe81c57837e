#include "sim/network/link_accounting.h"

namespace moesim::network {

LinkTotals accumulate_link_bytes(const topologies::Topology& topology, const std::vector<Schedule>& schedules,
                                 bool single_path) {
  LinkTotals totals;
  totals.bytes.assign(topology.link_count(), 0.0);
  totals.effective_bytes.assign(topology.link_count(), 0.0);
  std::vector<topologies::LinkId> path;
  std::vector<double> phase(topology.link_count(), 0.0);
  for (const auto& s : schedules) {
    for (const auto& p : s.phases) {
      if (p.transfers.empty()) continue;
      if (single_path) {
        for (const auto& t : p.transfers) {
          if (t.src == t.dst || t.bytes <= 0) continue;
          topology.single_path(t.src, t.dst, path);
          for (auto l : path) phase[l] += t.bytes;
        }
      } else {
        topology.accumulate_flows(p.transfers.data(), p.transfers.size(), 1.0, phase);
      }
      for (std::size_t l = 0; l < phase.size(); ++l) {
        if (phase[l] == 0) continue;
        totals.bytes[l] += phase[l] * p.repeat;
        totals.effective_bytes[l] += phase[l] * p.repeat / p.efficiency;
        phase[l] = 0;
      }
    }
  }
  return totals;
}

void fill_link_counters(const topologies::Topology& topology, const LinkModel& links,
                        const LinkTotals& totals, bool keep, NetworkResult& result) {
  result.tier_bytes.assign(topology.tiers().size(), 0.0);
  result.tier_busy_s.assign(topology.tiers().size(), 0.0);
  double worst = -1;
  for (std::size_t l = 0; l < totals.bytes.size(); ++l) {
    const auto& props = topology.link(static_cast<topologies::LinkId>(l));
    const double busy_s = totals.effective_bytes[l] / links.bandwidth_Bps(static_cast<topologies::LinkId>(l));
    if (props.tier >= 0 && static_cast<std::size_t>(props.tier) < result.tier_bytes.size()) {
      result.tier_bytes[props.tier] += totals.bytes[l];
      result.tier_busy_s[props.tier] = std::max(result.tier_busy_s[props.tier], busy_s);
    }
    if (busy_s > worst) {
      worst = busy_s;
      result.busiest_link = static_cast<topologies::LinkId>(l);
      result.busiest_link_bytes = totals.bytes[l];
    }
  }
  result.busiest_link_utilisation =
      (result.time_s > 0 && worst > 0) ? std::min(1.0, worst / result.time_s) : 0.0;
  if (keep) result.link_bytes = totals.bytes;
}

}  // namespace moesim::network
