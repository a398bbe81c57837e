#include "topologies/link_loads.h"

#include <stdexcept>
#include <string>

namespace moesim::topologies {
namespace {

void fill_tiers(const Topology& topology, LinkLoads& loads) {
  loads.tier_bytes.assign(topology.tiers().size(), 0.0);
  for (std::size_t l = 0; l < loads.link_bytes.size(); ++l) {
    loads.tier_bytes[topology.link(static_cast<LinkId>(l)).tier] += loads.link_bytes[l];
  }
}

void check_size(const Topology& topology, const TrafficMatrix& traffic) {
  if (traffic.device_count() != topology.device_count()) {
    throw std::invalid_argument("traffic matrix for " + std::to_string(traffic.device_count()) +
                                " devices on a topology of " + std::to_string(topology.device_count()));
  }
}

}  // namespace

TrafficMatrix TrafficMatrix::dense(int devices, std::vector<double> bytes) {
  if (devices < 1 || bytes.size() != static_cast<std::size_t>(devices) * devices) {
    throw std::invalid_argument("dense traffic matrix needs devices x devices entries");
  }
  TrafficMatrix m;
  m.devices_ = devices;
  m.dense_ = std::move(bytes);
  return m;
}

TrafficMatrix TrafficMatrix::uniform_all_to_all(int devices, double bytes_per_pair, int group_size) {
  if (devices < 1 || group_size < 1 || devices % group_size != 0 || !(bytes_per_pair >= 0)) {
    throw std::invalid_argument("uniform all-to-all needs groups that divide the device count");
  }
  TrafficMatrix m;
  m.devices_ = devices;
  m.uniform_ = true;
  m.bytes_per_pair_ = bytes_per_pair;
  m.group_size_ = group_size;
  return m;
}

double TrafficMatrix::bytes(int src, int dst) const {
  if (src == dst) return 0;
  if (!uniform_) return dense_[static_cast<std::size_t>(src) * devices_ + dst];
  return src / group_size_ == dst / group_size_ ? bytes_per_pair_ : 0;
}

double TrafficMatrix::total_bytes() const {
  if (uniform_) return bytes_per_pair_ * devices_ * (group_size_ - 1.0);
  double total = 0;
  for (int s = 0; s < devices_; ++s) {
    for (int d = 0; d < devices_; ++d)
      total += s == d ? 0 : dense_[static_cast<std::size_t>(s) * devices_ + d];
  }
  return total;
}

double LinkLoads::max_link_time_s(const Topology& topology) const {
  double worst = 0;
  for (std::size_t l = 0; l < link_bytes.size(); ++l) {
    worst = std::max(worst, link_bytes[l] / topology.link(static_cast<LinkId>(l)).bandwidth_Bps);
  }
  return worst;
}

LinkId LinkLoads::busiest_link(const Topology& topology) const {
  LinkId best = 0;
  double worst = -1;
  for (std::size_t l = 0; l < link_bytes.size(); ++l) {
    const double t = link_bytes[l] / topology.link(static_cast<LinkId>(l)).bandwidth_Bps;
    if (t > worst) {
      worst = t;
      best = static_cast<LinkId>(l);
    }
  }
  return best;
}

LinkLoads compute_link_loads_per_pair(const Topology& topology, const TrafficMatrix& traffic) {
  check_size(topology, traffic);
  LinkLoads loads;
  loads.link_bytes.assign(topology.link_count(), 0.0);
  std::vector<RouteHop> hops;
  const int n = traffic.device_count();
  const int g = traffic.is_uniform() ? traffic.group_size() : n;
  for (int s = 0; s < n; ++s) {
    const int first = traffic.is_uniform() ? s / g * g : 0;
    for (int d = first; d < first + g; ++d) {
      const double b = traffic.bytes(s, d);
      if (b == 0) continue;
      topology.route(s, d, hops);
      for (const RouteHop& h : hops) loads.link_bytes[h.link] += b * h.fraction;
    }
  }
  fill_tiers(topology, loads);
  return loads;
}

LinkLoads compute_link_loads(const Topology& topology, const TrafficMatrix& traffic) {
  check_size(topology, traffic);
  LinkLoads loads;
  loads.link_bytes.assign(topology.link_count(), 0.0);
  if (!topology.accumulate_traffic(traffic, loads.link_bytes))
    return compute_link_loads_per_pair(topology, traffic);
  fill_tiers(topology, loads);
  return loads;
}

}  // namespace moesim::topologies
