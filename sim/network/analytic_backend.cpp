#include "sim/network/analytic_backend.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <tuple>

#include "sim/network/link_accounting.h"

namespace moesim::network {
namespace {

using topologies::LinkId;

/// Phase structure: schedules with equal keys run in lockstep round for round and end together.
using StructureKey = std::vector<std::tuple<int, double, double, double>>;

StructureKey structure_of(const Schedule& s) {
  StructureKey key;
  key.emplace_back(0, s.launch_s, 0.0, 0.0);
  for (const auto& p : s.phases) key.emplace_back(p.repeat, p.overhead_s, p.min_time_s, p.efficiency);
  return key;
}

/// Merges schedules of equal structure into one (transfers concatenated per phase). Returns the merged
/// schedules and, per input schedule, the index of its merged schedule.
std::vector<Schedule> merge_by_structure(const std::vector<Schedule>& in, std::vector<std::size_t>& owner) {
  std::vector<Schedule> out;
  std::map<StructureKey, std::size_t> index;
  owner.resize(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    auto [it, fresh] = index.emplace(structure_of(in[i]), out.size());
    if (fresh) {
      out.push_back(in[i]);
    } else {
      auto& m = out[it->second];
      for (std::size_t p = 0; p < m.phases.size(); ++p)
        m.phases[p].transfers.insert(m.phases[p].transfers.end(), in[i].phases[p].transfers.begin(),
                                     in[i].phases[p].transfers.end());
    }
    owner[i] = it->second;
  }
  return out;
}

/// One phase's load per repetition: (link, bytes x scale), nonzero links only.
using SparseLoad = std::vector<std::pair<LinkId, double>>;

/// Few transfers against many links: route each and keep the links it touches, instead of scanning
/// every link of the fabric (a pairwise round among 64 of 16,384 devices).
bool is_sparse(const Phase& p, const topologies::Topology& topology) {
  return p.transfers.size() * 64 < topology.link_count();
}

/// Calls f(link, bytes x scale) for every link one repetition of `p` loads, leaving `scratch` zeroed.
template <typename F>
void for_each_load(const topologies::Topology& topology, const Phase& p, double scale,
                   std::vector<double>& scratch, F&& f) {
  if (p.transfers.empty()) return;
  if (is_sparse(p, topology)) {
    thread_local std::vector<topologies::RouteHop> hops;
    thread_local std::vector<LinkId> touched;
    touched.clear();
    for (const auto& t : p.transfers) {
      if (t.src == t.dst || t.bytes <= 0) continue;
      topology.route(t.src, t.dst, hops);
      for (const auto& h : hops) {
        if (scratch[h.link] == 0) touched.push_back(h.link);
        scratch[h.link] += scale * t.bytes * h.fraction;
      }
    }
    for (LinkId l : touched) {
      if (scratch[l] != 0) f(l, scratch[l]);
      scratch[l] = 0;
    }
    return;
  }
  topology.accumulate_flows(p.transfers.data(), p.transfers.size(), scale, scratch);
  for (std::size_t l = 0; l < scratch.size(); ++l) {
    if (scratch[l] != 0) {
      f(static_cast<LinkId>(l), scratch[l]);
      scratch[l] = 0;
    }
  }
}

SparseLoad phase_load(const topologies::Topology& topology, const Phase& p, double scale,
                      std::vector<double>& scratch) {
  SparseLoad load;
  for_each_load(topology, p, scale, scratch, [&](LinkId l, double b) { load.emplace_back(l, b); });
  return load;
}

/// Time of one merged schedule alone: every phase once, times its repetitions.
double time_alone_s(const Schedule& s, const topologies::Topology& topology, const LinkModel& links,
                    std::vector<double>& scratch, LinkTotals* totals) {
  double t = s.launch_s;
  for (const auto& p : s.phases) {
    double busy = 0;
    for_each_load(topology, p, 1.0 / p.efficiency, scratch, [&](LinkId l, double b) {
      busy = std::max(busy, b / links.bandwidth_Bps(l));
      if (totals) {
        totals->effective_bytes[l] += b * p.repeat;
        totals->bytes[l] += b * p.repeat * p.efficiency;
      }
    });
    t += p.repeat * (p.overhead_s + std::max(p.min_time_s, busy));
  }
  return t;
}

/// Lockstep evaluation of schedules with different structures. Returns each schedule's end time.
std::vector<double> lockstep_s(const std::vector<Schedule>& schedules, const topologies::Topology& topology,
                               const LinkModel& links, std::vector<double>& scratch) {
  const std::size_t n = schedules.size();
  // Position of every schedule: phase -1 is its launch round.
  std::vector<int> phase(n, -1);
  std::vector<int> left(n, 1);
  std::vector<SparseLoad> load(n);
  std::vector<double> end(n, 0.0);
  std::vector<double> combined(topology.link_count(), 0.0);
  double now = 0;
  while (true) {
    int k = -1;
    for (std::size_t s = 0; s < n; ++s) {
      if (phase[s] >= static_cast<int>(schedules[s].phases.size())) continue;
      k = k < 0 ? left[s] : std::min(k, left[s]);
    }
    if (k < 0) break;
    for (std::size_t s = 0; s < n; ++s)
      if (phase[s] < static_cast<int>(schedules[s].phases.size()))
        for (const auto& [l, b] : load[s]) combined[l] += b;
    double round = 0;
    for (std::size_t s = 0; s < n; ++s) {
      const auto& sc = schedules[s];
      if (phase[s] >= static_cast<int>(sc.phases.size())) continue;
      double t = 0;
      if (phase[s] < 0) {
        t = sc.launch_s;
      } else {
        const Phase& p = sc.phases[static_cast<std::size_t>(phase[s])];
        double busy = 0;
        for (const auto& [l, b] : load[s]) busy = std::max(busy, combined[l] / links.bandwidth_Bps(l));
        t = p.overhead_s + std::max(p.min_time_s, busy);
      }
      round = std::max(round, t);
    }
    for (std::size_t s = 0; s < n; ++s)
      if (phase[s] < static_cast<int>(schedules[s].phases.size()))
        for (const auto& [l, b] : load[s]) combined[l] = 0;
    now += k * round;
    for (std::size_t s = 0; s < n; ++s) {
      const auto& sc = schedules[s];
      if (phase[s] >= static_cast<int>(sc.phases.size())) continue;
      left[s] -= k;
      if (left[s] > 0) continue;
      ++phase[s];
      if (phase[s] < static_cast<int>(sc.phases.size())) {
        const Phase& p = sc.phases[static_cast<std::size_t>(phase[s])];
        left[s] = std::max(1, p.repeat);
        load[s] = phase_load(topology, p, 1.0 / p.efficiency, scratch);
      } else {
        end[s] = now;
        load[s].clear();
      }
    }
  }
  return end;
}

/// A zeroed per-link scratch array of the right size, reused between calls (phase_load leaves it zeroed).
std::vector<double>& scratch_for(const topologies::Topology& topology) {
  thread_local std::vector<double> scratch;
  if (scratch.size() != topology.link_count()) scratch.assign(topology.link_count(), 0.0);
  return scratch;
}

}  // namespace

AnalyticBackend::AnalyticBackend(const topologies::Topology& topology, BackendOptions options)
    : topology_(topology), options_(std::move(options)) {
  if (!options_.links) options_.links = std::make_shared<const LinkModel>(LinkModel::of(topology_));
}

NetworkResult AnalyticBackend::simulate(const std::vector<Schedule>& concurrent) {
  const auto wall_start = std::chrono::steady_clock::now();
  const LinkModel& links = *options_.links;
  std::vector<std::size_t> owner;
  const auto merged = merge_by_structure(concurrent, owner);
  std::vector<double>& scratch = scratch_for(topology_);
  std::vector<double> merged_end;
  // Reused buffers: a collective over 16,384 GPUs touches ~200k links, and fresh pages cost more than
  // the accounting.
  thread_local LinkTotals totals;
  if (merged.size() == 1) {
    totals.bytes.assign(topology_.link_count(), 0.0);
    totals.effective_bytes.assign(topology_.link_count(), 0.0);
    merged_end.push_back(time_alone_s(merged[0], topology_, links, scratch, &totals));
  } else {
    merged_end = lockstep_s(merged, topology_, links, scratch);
    totals = accumulate_link_bytes(topology_, merged, false);
  }
  NetworkResult result;
  for (std::size_t i = 0; i < concurrent.size(); ++i) result.schedule_end_s.push_back(merged_end[owner[i]]);
  for (double e : result.schedule_end_s) result.time_s = std::max(result.time_s, e);
  fill_link_counters(topology_, links, totals, options_.keep_link_bytes, result);
  result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return result;
}

double analytic_time_s(const Schedule& schedule, const topologies::Topology& topology,
                       const LinkModel& links) {
  std::vector<double> scratch(topology.link_count(), 0.0);
  return time_alone_s(schedule, topology, links, scratch, nullptr);
}

std::vector<double> phase_busy_s(const Schedule& schedule, const topologies::Topology& topology,
                                 const LinkModel& links) {
  std::vector<double>& scratch = scratch_for(topology);
  std::vector<double> busy;
  for (const auto& p : schedule.phases) {
    double b = 0;
    for_each_load(topology, p, 1.0, scratch,
                  [&](LinkId l, double bytes) { b = std::max(b, bytes / links.bandwidth_Bps(l)); });
    busy.push_back(b);
  }
  return busy;
}

double time_from_busy_s(const Schedule& schedule, const std::vector<double>& busy_s) {
  double t = schedule.launch_s;
  for (std::size_t i = 0; i < schedule.phases.size(); ++i) {
    const auto& p = schedule.phases[i];
    const double busy = i < busy_s.size() ? busy_s[i] / p.efficiency : 0.0;
    t += p.repeat * (p.overhead_s + std::max(p.min_time_s, busy));
  }
  return t;
}

}  // namespace moesim::network
