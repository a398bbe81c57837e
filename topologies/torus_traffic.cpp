// TorusTopology::accumulate_traffic (see torus_topology.h).
#include "topologies/link_loads.h"
#include "topologies/torus_topology.h"

namespace moesim::topologies {

/// Dimension-order aggregation: phase[k][chip * D_k + t] holds the bytes that start dimension k's leg at
/// `chip` heading for coordinate t; each sum then walks its ring segment once.
class TorusTopology::LegSums {
 public:
  explicit LegSums(const TorusTopology& t) : t_(t), phase_(t.dims_.size()) {
    for (std::size_t k = 0; k < t.dims_.size(); ++k)
      phase_[k].assign(static_cast<std::size_t>(t.devices_) * t.dims_[k], 0.0);
  }
  void add(int s, int d, double b) {
    int at = s;
    for (std::size_t k = 0; k < t_.dims_.size(); ++k) {
      const int ki = static_cast<int>(k);
      const int target = t_.coord(d, ki);
      phase_[k][static_cast<std::size_t>(at) * t_.dims_[k] + target] += b;
      at += (target - t_.coord(at, ki)) * t_.stride_[k];
    }
  }
  void walk(std::vector<double>& link_bytes) const;

 private:
  const TorusTopology& t_;
  std::vector<std::vector<double>> phase_;
};

void TorusTopology::accumulate_flows(const Flow* flows, std::size_t count, double scale,
                                     std::vector<double>& link_bytes) const {
  int ring_sum = 0;
  for (int d : dims_) ring_sum += d;
  // Few flows: route each; many: aggregate per (chip, target coordinate) and walk each segment once.
  if (count * 4 < static_cast<std::size_t>(devices_) * ring_sum) {
    Topology::accumulate_flows(flows, count, scale, link_bytes);
    return;
  }
  LegSums sums(*this);
  for (std::size_t i = 0; i < count; ++i)
    if (flows[i].src != flows[i].dst && flows[i].bytes > 0)
      sums.add(flows[i].src, flows[i].dst, scale * flows[i].bytes);
  sums.walk(link_bytes);
}

bool TorusTopology::accumulate_traffic(const TrafficMatrix& traffic, std::vector<double>& link_bytes) const {
  const int n = devices_;
  LegSums sums(*this);
  auto add_pair = [&](int s, int d, double b) { sums.add(s, d, b); };
  if (traffic.is_uniform()) {
    const int g = traffic.group_size();
    const double b = traffic.bytes_per_pair();
    for (int s = 0; s < n; ++s) {
      const int first = s / g * g;
      for (int d = first; d < first + g; ++d) {
        if (d != s) add_pair(s, d, b);
      }
    }
  } else {
    const auto& m = traffic.dense_bytes();
    for (int s = 0; s < n; ++s) {
      const double* row = &m[static_cast<std::size_t>(s) * n];
      for (int d = 0; d < n; ++d) {
        if (d != s && row[d] != 0) add_pair(s, d, row[d]);
      }
    }
  }
  sums.walk(link_bytes);
  return true;
}

void TorusTopology::LegSums::walk(std::vector<double>& link_bytes) const {
  const int n = t_.devices_;
  auto walk = [&](int at, int k, int dir, int hops, double b) {
    for (int i = 0; i < hops; ++i) {
      link_bytes[t_.step_link(at, k, dir)] += b;
      at = t_.step(at, k, dir);
    }
  };
  for (std::size_t kk = 0; kk < t_.dims_.size(); ++kk) {
    const int k = static_cast<int>(kk);
    const int dk = t_.dims_[kk];
    for (int chip = 0; chip < n; ++chip) {
      const double* row = &phase_[kk][static_cast<std::size_t>(chip) * dk];
      for (int t = 0; t < dk; ++t) {
        const double b = row[t];
        if (b == 0) continue;
        const Leg l = t_.leg(k, t_.coord(chip, k), t);
        if (l.hops == 0) continue;
        if (l.split) {  // tie: half each way, as route() does
          walk(chip, k, +1, l.hops, b / 2);
          walk(chip, k, -1, l.hops, b / 2);
        } else {
          walk(chip, k, l.dir, l.hops, b);
        }
      }
    }
  }
}

}  // namespace moesim::topologies
