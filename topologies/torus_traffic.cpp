// TorusTopology::accumulate_traffic (see torus_topology.h).
#include "topologies/link_loads.h"
#include "topologies/torus_topology.h"

namespace moesim::topologies {

bool TorusTopology::accumulate_traffic(const TrafficMatrix& traffic, std::vector<double>& link_bytes) const {
  const int n = devices_;
  const int nd = static_cast<int>(dims_.size());
  std::vector<std::vector<int>> c(nd, std::vector<int>(n));
  for (int d = 0; d < n; ++d) {
    for (int k = 0; k < nd; ++k) c[k][d] = coord(d, k);
  }
  // phase[k][chip * D_k + t]: bytes that start dimension k's leg at `chip` heading for coordinate t.
  std::vector<std::vector<double>> phase(nd);
  for (int k = 0; k < nd; ++k) phase[k].assign(static_cast<std::size_t>(n) * dims_[k], 0.0);
  auto add_pair = [&](int s, int d, double b) {
    int at = s;
    for (int k = 0; k < nd; ++k) {
      const int t = c[k][d];
      phase[k][static_cast<std::size_t>(at) * dims_[k] + t] += b;
      at += (t - c[k][at]) * stride_[k];
    }
  };
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
  auto walk = [&](int at, int k, int dir, int hops, double b) {
    for (int i = 0; i < hops; ++i) {
      link_bytes[step_link(at, k, dir)] += b;
      at = step(at, k, dir);
    }
  };
  for (int k = 0; k < nd; ++k) {
    const int dk = dims_[k];
    for (int chip = 0; chip < n; ++chip) {
      const double* row = &phase[k][static_cast<std::size_t>(chip) * dk];
      for (int t = 0; t < dk; ++t) {
        const double b = row[t];
        const int delta = (t - c[k][chip] + dk) % dk;
        if (b == 0 || delta == 0) continue;
        if (dk > 2 && 2 * delta == dk) {  // tie: half each way, as route() does
          walk(chip, k, +1, delta, b / 2);
          walk(chip, k, -1, delta, b / 2);
        } else if (2 * delta < dk) {
          walk(chip, k, +1, delta, b);
        } else {
          walk(chip, k, -1, dk - delta, b);
        }
      }
    }
  }
  return true;
}

}  // namespace moesim::topologies
