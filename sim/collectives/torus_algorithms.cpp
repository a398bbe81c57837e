// TPU ICI collectives on a torus: concurrent bidirectional rings along every dimension.
#include <algorithm>
#include <functional>

#include "sim/collectives/builders.h"
#include "topologies/torus_topology.h"

namespace moesim::collectives::detail {
namespace {

/// Device at coordinates `c` of the torus (rank layout of TorusTopology: x fastest).
int device_at(const topologies::TorusTopology& topo, const std::vector<int>& c) {
  int d = 0, stride = 1;
  for (std::size_t k = 0; k < c.size(); ++k) {
    d += c[k] * stride;
    stride *= topo.dims()[k];
  }
  return d;
}

/// A bidirectional ring along dimension k on every line of the box `coords` (all combinations of the other
/// dimensions' coordinates): each chip sends `each_way` bytes to its successor and to its predecessor.
void add_line_rings(network::Phase& phase, const topologies::TorusTopology& topo,
                    const std::vector<std::vector<int>>& coords, int k, double each_way) {
  const int nd = static_cast<int>(coords.size());
  const int e = static_cast<int>(coords[k].size());
  std::vector<int> c(static_cast<std::size_t>(nd), 0);
  std::function<void(int)> lines = [&](int dim) {
    if (dim == nd) {
      for (int i = 0; i < e; ++i) {
        auto at = [&](int idx) {
          c[k] = coords[k][(idx + e) % e];
          return device_at(topo, c);
        };
        const int self = at(i), next = at(i + 1), prev = at(i - 1);
        phase.transfers.push_back({self, next, each_way});
        phase.transfers.push_back({self, prev, each_way});
      }
      return;
    }
    if (dim == k) return lines(dim + 1);
    for (int v : coords[dim]) {
      c[dim] = v;
      lines(dim + 1);
    }
  };
  lines(0);
}

}  // namespace

network::Schedule torus(const Build& b) {
  // How XLA runs collectives over ICI (jax-ml/scaling-book sharding.md): along one mesh axis a
  // bidirectional ring, half the data each way, so a reduce-scatter or all-gather over an axis with
  // wrap-around takes ~V / (2 W) whatever its length; all-reduce = reduce-scatter + all-gather; spreading
  // over k axes multiplies the bandwidth by k. Here the buffer is split into one part per active
  // dimension; part p reduce-scatters along dimensions p, p+1, ... in turn (each stage on the shard the
  // previous stage left), so at every stage the parts keep all 2 x dims links of every chip busy; the
  // all-gather runs the stages back. One phase per stage; ~1 us per hop (scaling book tpus.md).
  const auto& L = b.layout;
  const auto& lib = b.library;
  network::Schedule s;
  s.name = std::string(op_name(b.request.op)) + "/torus";
  const double S = b.request.bytes;
  if (L.n < 2 || S <= 0) return s;
  const auto& topo = dynamic_cast<const topologies::TorusTopology&>(b.topology);
  const auto coords = *torus_box_of(b.request.group, b.topology);
  const auto& dims = topo.dims();
  const int nd = static_cast<int>(dims.size());
  std::vector<int> active;
  for (int k = 0; k < nd; ++k)
    if (coords[k].size() > 1) active.push_back(k);
  const int A = static_cast<int>(active.size());
  // Stage s of part p runs along dimension order(p, s) on data V(p, s) per chip.
  auto order = [&](int p, int st) { return active[(p + st) % A]; };
  auto data = [&](int p, int st) {
    double v = S / A;
    for (int q = 0; q < st; ++q) v /= static_cast<double>(coords[order(p, q)].size());
    return v;
  };
  const bool rs = b.request.op != CollectiveOp::kAllGather;
  const bool ag = b.request.op != CollectiveOp::kReduceScatter;
  std::vector<int> stages;
  if (rs)
    for (int st = 0; st < A; ++st) stages.push_back(st);
  if (ag)
    for (int st = A - 1; st >= 0; --st) stages.push_back(st);
  s.launch_s = lib.ici_launch_s;
  for (int st : stages) {
    network::Phase phase;
    int longest = 0;
    for (int p = 0; p < A; ++p) {
      const int k = order(p, st);
      const int e = static_cast<int>(coords[k].size());
      longest = std::max(longest, e - 1);
      if (!b.with_transfers) continue;
      add_line_rings(phase, topo, coords, k, data(p, st) * (e - 1) / e / 2);
    }
    s.launch_s += longest * lib.ici_hop_s;
    s.phases.push_back(std::move(phase));
  }
  return s;
}

}  // namespace moesim::collectives::detail
