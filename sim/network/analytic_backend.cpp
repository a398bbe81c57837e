#include "sim/network/analytic_backend.h"

#include <algorithm>
#include <chrono>

#include "sim/network/link_accounting.h"

namespace moesim::network {

NetworkResult AnalyticBackend::simulate(const std::vector<Schedule>& concurrent) {
  const auto wall_start = std::chrono::steady_clock::now();
  const std::size_t link_count = topology_.link_count();
  std::vector<double> bw(link_count);
  std::vector<double> lat(link_count);
  for (std::size_t l = 0; l < link_count; ++l) {
    const auto& p = topology_.link(static_cast<topologies::LinkId>(l));
    bw[l] = p.bandwidth_Bps;
    lat[l] = p.latency_s;
  }

  std::vector<double> total_bytes(link_count, 0.0);  // over the whole run, for the counters
  std::vector<double> load(link_count, 0.0);         // this round, all schedules
  std::vector<std::uint32_t> round_mark(link_count, 0);
  std::vector<std::uint32_t> own_mark(link_count, 0);
  std::vector<topologies::LinkId> round_links;
  std::vector<std::vector<topologies::LinkId>> own_links(concurrent.size());
  std::vector<double> own_latency_s(concurrent.size());
  std::vector<topologies::RouteHop> hops;

  NetworkResult result;
  result.schedule_end_s.assign(concurrent.size(), 0.0);
  std::size_t rounds = 0;
  for (const auto& s : concurrent) rounds = std::max(rounds, s.phases.size());

  double now_s = 0;
  std::uint32_t stamp = 0;
  for (std::size_t r = 0; r < rounds; ++r) {
    round_links.clear();
    for (std::size_t s = 0; s < concurrent.size(); ++s) {
      own_links[s].clear();
      own_latency_s[s] = 0;
      if (r >= concurrent[s].phases.size()) continue;
      ++stamp;  // a fresh mark per (round, schedule) for own_mark
      for (const auto& t : concurrent[s].phases[r].transfers) {
        if (t.src == t.dst || t.bytes <= 0) continue;
        topology_.route(t.src, t.dst, hops);
        double latency_s = 0;
        for (const auto& h : hops) {
          const double b = t.bytes * h.fraction;
          load[h.link] += b;
          total_bytes[h.link] += b;
          latency_s += h.fraction * lat[h.link];  // ECMP: the fractions of one hop level sum to 1
          if (round_mark[h.link] != r + 1) {
            round_mark[h.link] = static_cast<std::uint32_t>(r + 1);
            round_links.push_back(h.link);
          }
          if (own_mark[h.link] != stamp) {
            own_mark[h.link] = stamp;
            own_links[s].push_back(h.link);
          }
        }
        own_latency_s[s] = std::max(own_latency_s[s], latency_s);
      }
    }
    double round_s = 0;
    for (std::size_t s = 0; s < concurrent.size(); ++s) {
      if (r >= concurrent[s].phases.size()) continue;
      double busy_s = 0;
      for (auto l : own_links[s]) busy_s = std::max(busy_s, load[l] / bw[l]);
      double phase_s = concurrent[s].phases[r].overhead_s + own_latency_s[s] + busy_s;
      if (r == 0) phase_s += concurrent[s].launch_s;
      round_s = std::max(round_s, phase_s);
      if (r + 1 == concurrent[s].phases.size()) result.schedule_end_s[s] = now_s + phase_s;
    }
    for (auto l : round_links) load[l] = 0;
    now_s += round_s;
  }
  for (std::size_t s = 0; s < concurrent.size(); ++s)
    if (concurrent[s].phases.empty()) result.schedule_end_s[s] = concurrent[s].launch_s;
  result.time_s = 0;
  for (double e : result.schedule_end_s) result.time_s = std::max(result.time_s, e);
  fill_link_counters(topology_, std::move(total_bytes), options_.keep_link_bytes, result);
  result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return result;
}

}  // namespace moesim::network
