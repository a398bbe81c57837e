#include "topologies/fat_tree.h"

#include <sstream>

#include "topologies/cluster_topology.h"

namespace moesim::topologies {

FatTree::FatTree(const ClusterSpec& spec, ClusterTopology& topo)
    : levels_(spec.fat_tree.levels),
      rail_(spec.fat_tree.rail_optimized),
      radix_(spec.fat_tree.radix),
      link_Bps_(spec.fat_tree.link_bandwidth_Bps) {
  compute_fat_tree_shape(spec, shape_);  // validated by ClusterTopology
  const FatTreeShape& s = shape_;
  const double lat = spec.fat_tree.link_latency_s;
  const int nics = spec.node.nics;
  endpoint_leaf_.resize(static_cast<std::size_t>(spec.node_count()) * nics);
  endpoint_port_.resize(endpoint_leaf_.size());
  for (int n = 0; n < spec.node_count(); ++n) {
    for (int r = 0; r < nics; ++r) {
      endpoint_leaf_[n * nics + r] = s.leaf_of(n, r, nics);
      endpoint_port_[n * nics + r] = s.rails > 1 ? n % s.down : (n * nics + r) % s.down;
    }
  }
  // Aggregated view: leaves by scalable unit (rails) or in blocks, spines by pod, cores together.
  const int leaves_per_group = rail_ ? s.rails : (s.leaves <= 16 ? 1 : (s.leaves + 15) / 16);
  int group = -1;
  for (int l = 0; l < s.leaves; ++l) {
    if (l % leaves_per_group == 0) {
      const int hi = std::min(s.leaves, l + leaves_per_group) - 1;
      group = topo.add_group(leaves_per_group == 1 ? "leaf" + std::to_string(l)
                                                   : "leaves" + std::to_string(l) + "-" + std::to_string(hi));
    }
    leaf_vertex_.push_back(topo.add_vertex(VertexKind::kSwitch, l, "leaf" + std::to_string(l), group));
  }
  const int S = s.spines_per_pod, p = s.leaf_spine_parallel;
  std::vector<int> spine_vertex;
  for (int pd = 0; pd < s.pods; ++pd) {
    group = topo.add_group(s.pods == 1 ? "spines" : "spines-pod" + std::to_string(pd));
    for (int j = 0; j < S; ++j) {
      const int id = pd * S + j;
      spine_vertex.push_back(
          topo.add_vertex(VertexKind::kSwitch, s.leaves + id, "spine" + std::to_string(id), group));
    }
  }
  const int spine_tier = topo.tier_id("spine");
  leaf_up_.resize(static_cast<std::size_t>(s.leaves) * s.up);
  leaf_down_.resize(leaf_up_.size());
  for (int l = 0; l < s.leaves; ++l) {
    for (int j = 0; j < S; ++j) {
      for (int i = 0; i < p; ++i) {
        auto [up, down] =
            topo.add_cable(leaf_vertex_[l], spine_vertex[pod(l) * S + j], link_Bps_, lat, spine_tier);
        leaf_up_[static_cast<std::size_t>(l) * s.up + j * p + i] = up;
        leaf_down_[static_cast<std::size_t>(l) * s.up + j * p + i] = down;
      }
    }
  }
  if (levels_ < 3) return;
  group = topo.add_group("cores");
  std::vector<int> core_vertex;
  for (int c = 0; c < s.cores; ++c) {
    core_vertex.push_back(
        topo.add_vertex(VertexKind::kSwitch, s.leaves + s.spines() + c, "core" + std::to_string(c), group));
  }
  const int core_tier = topo.tier_id("core");
  const int p3 = s.spine_core_parallel;
  spine_up_.resize(static_cast<std::size_t>(s.spines()) * s.spine_up);
  spine_down_.resize(spine_up_.size());
  for (int pd = 0; pd < s.pods; ++pd) {
    for (int j = 0; j < S; ++j) {
      for (int m = 0; m < s.cores_per_group; ++m) {
        for (int i = 0; i < p3; ++i) {
          auto [up, down] = topo.add_cable(spine_vertex[pd * S + j], core_vertex[j * s.cores_per_group + m],
                                           link_Bps_, lat, core_tier);
          const std::size_t at = static_cast<std::size_t>(pd * S + j) * s.spine_up + m * p3 + i;
          spine_up_[at] = up;
          spine_down_[at] = down;
        }
      }
    }
  }
}

void FatTree::route(int a, int b, double fraction, std::vector<RouteHop>& out) const {
  // Sized once and written through a pointer: this runs 4.2M times for a 2,048-device all-to-all.
  const int up = shape_.up;
  const int pa = pod(a), pb = pod(b);
  const int core_links = pa != pb ? shape_.spines_per_pod * shape_.spine_up : 0;
  const std::size_t base = out.size();
  out.resize(base + 2 * static_cast<std::size_t>(up) + 2 * static_cast<std::size_t>(core_links));
  RouteHop* o = out.data() + base;
  const double per_up = fraction / up;
  const LinkId* a_up = &leaf_up_[static_cast<std::size_t>(a) * up];
  const LinkId* b_down = &leaf_down_[static_cast<std::size_t>(b) * up];
  for (int x = 0; x < up; ++x) *o++ = {a_up[x], per_up};
  if (core_links > 0) {
    const double per_core_link = fraction / core_links;
    const LinkId* s_up = &spine_up_[static_cast<std::size_t>(pa) * core_links];
    const LinkId* s_down = &spine_down_[static_cast<std::size_t>(pb) * core_links];
    for (int x = 0; x < core_links; ++x) *o++ = {s_up[x], per_core_link};
    for (int x = 0; x < core_links; ++x) *o++ = {s_down[x], per_core_link};
  }
  for (int x = 0; x < up; ++x) *o++ = {b_down[x], per_up};
}

long long FatTree::key_of(int src, int dst) const {
  auto g = [&](int e) { return static_cast<long long>(endpoint_leaf_[e]) * shape_.down + endpoint_port_[e]; };
  return g(dst) + 2 * g(src);
}

void FatTree::single_path(int a, int b, int src, int dst, std::vector<LinkId>& out) const {
  const int up = shape_.up;
  const long long key = key_of(src, dst);
  const int x = static_cast<int>(key % up);  // leaf up link; its spine is x / parallel
  out.push_back(leaf_up_[static_cast<std::size_t>(a) * up + x]);
  const int pa = pod(a), pb = pod(b);
  if (pa != pb) {
    const int S = shape_.spines_per_pod, su = shape_.spine_up;
    const int j = x / shape_.leaf_spine_parallel;
    const int y = static_cast<int>((key / up) % su);  // spine up link: core y / p3 of group j, cable y % p3
    out.push_back(spine_up_[static_cast<std::size_t>(pa * S + j) * su + y]);
    out.push_back(spine_down_[static_cast<std::size_t>(pb * S + j) * su + y]);
  }
  out.push_back(leaf_down_[static_cast<std::size_t>(b) * up + x]);
}

void FatTree::accumulate(const std::vector<SwitchFlow>& flows, std::vector<double>& link_bytes) const {
  std::vector<double> leaf_out(shape_.leaves, 0.0), leaf_in(shape_.leaves, 0.0);
  std::vector<double> pod_out(shape_.pods, 0.0), pod_in(shape_.pods, 0.0);
  for (const SwitchFlow& f : flows) {
    leaf_out[f.a] += f.bytes;
    leaf_in[f.b] += f.bytes;
    if (pod(f.a) != pod(f.b)) {
      pod_out[pod(f.a)] += f.bytes;
      pod_in[pod(f.b)] += f.bytes;
    }
  }
  const int up = shape_.up;
  for (int l = 0; l < shape_.leaves; ++l) {
    if (leaf_out[l] == 0 && leaf_in[l] == 0) continue;
    for (int x = 0; x < up; ++x) {
      link_bytes[leaf_up_[static_cast<std::size_t>(l) * up + x]] += leaf_out[l] / up;
      link_bytes[leaf_down_[static_cast<std::size_t>(l) * up + x]] += leaf_in[l] / up;
    }
  }
  const int core_links = shape_.spines_per_pod * shape_.spine_up;
  for (int p = 0; p < shape_.pods && core_links > 0; ++p) {
    if (pod_out[p] == 0 && pod_in[p] == 0) continue;
    for (int x = 0; x < core_links; ++x) {
      link_bytes[spine_up_[static_cast<std::size_t>(p) * core_links + x]] += pod_out[p] / core_links;
      link_bytes[spine_down_[static_cast<std::size_t>(p) * core_links + x]] += pod_in[p] / core_links;
    }
  }
}

long long FatTree::paths(int a, int b) const {
  const long long up = shape_.up, p = shape_.leaf_spine_parallel;
  if (pod(a) == pod(b)) return up * p;
  return up * shape_.spine_up * shape_.spine_core_parallel * p;
}

double FatTree::bisection_Bps() const {
  // Cut between the two halves of the leaves (and, with 3 levels, of the pods).
  double best = shape_.leaves >= 2 ? shape_.leaves / 2.0 * shape_.up * link_Bps_ : 1e300;
  if (levels_ == 3 && shape_.pods >= 2) {
    best = std::min(best, shape_.pods / 2.0 * shape_.spines_per_pod * shape_.spine_up * link_Bps_);
  }
  return best;
}

std::string FatTree::description() const {
  std::ostringstream o;
  o << (rail_ ? "rail-optimised " : "") << levels_ << "-level fat-tree radix " << radix_ << ": "
    << shape_.leaves << " leaves (" << shape_.down << " down / " << shape_.up << " up), " << shape_.spines()
    << " spines";
  if (levels_ == 3) o << " in " << shape_.pods << " pods, " << shape_.cores << " cores";
  return o.str();
}

}  // namespace moesim::topologies
