// ClusterTopology::accumulate_traffic: link loads without routing every pair. Traffic between servers is
// summed per device (its NIC path up and down) and per pair of edge switches (the ECMP part), which is then
// routed once per switch pair instead of once per device pair.
#include <limits>

#include "topologies/cluster_topology.h"
#include "topologies/link_loads.h"

namespace moesim::topologies {
namespace {
constexpr LinkId kNoLink = std::numeric_limits<LinkId>::max();
}  // namespace

void ClusterTopology::add_intra(int src, int dst, double bytes, std::vector<double>& link_bytes) const {
  if (node_fabric_ == NodeFabric::kNvLinkMesh) {
    link_bytes[mesh_[(static_cast<std::size_t>(node_of(src)) * gpus_ + local_rank(src)) * gpus_ +
                     local_rank(dst)]] += bytes;
    return;
  }
  link_bytes[hub_up_[src]] += bytes;
  link_bytes[hub_down_[dst]] += bytes;
}

void ClusterTopology::add_up_down(int device, double up_bytes, double down_bytes,
                                  std::vector<double>& link_bytes) const {
  const int e = endpoint_of(device);
  if (pcie_up_[device] != kNoLink) {
    link_bytes[pcie_up_[device]] += up_bytes;
    link_bytes[pcie_down_[device]] += down_bytes;
  }
  link_bytes[nic_up_[e]] += up_bytes;
  link_bytes[nic_down_[e]] += down_bytes;
}

void ClusterTopology::add_switch_pairs(const std::vector<long long>& pair_count, double bytes_per_count,
                                       const std::vector<double>* pair_bytes,
                                       std::vector<double>& link_bytes) const {
  const int e = scale_out_->edge_switch_count();
  std::vector<RouteHop> hops;
  for (int a = 0; a < e; ++a) {
    for (int b = 0; b < e; ++b) {
      const std::size_t i = static_cast<std::size_t>(a) * e + b;
      const double bytes = pair_bytes ? (*pair_bytes)[i] : pair_count[i] * bytes_per_count;
      if (a == b || bytes == 0) continue;
      hops.clear();
      scale_out_->route(a, b, 1.0, hops);
      for (const RouteHop& h : hops) link_bytes[h.link] += bytes * h.fraction;
    }
  }
}

bool ClusterTopology::accumulate_traffic(const TrafficMatrix& traffic,
                                         std::vector<double>& link_bytes) const {
  const int n = devices_;
  std::vector<double> up(n, 0.0), down(n, 0.0);
  const std::size_t e = scale_out_ ? scale_out_->edge_switch_count() : 0;
  auto edge = [&](int d) { return scale_out_->edge_switch_of(endpoint_of(d)); };

  if (!traffic.is_uniform()) {
    std::vector<double> pair_bytes(e * e, 0.0);
    const auto& m = traffic.dense_bytes();
    for (int s = 0; s < n; ++s) {
      const double* row = &m[static_cast<std::size_t>(s) * n];
      const int node = node_of(s);
      const int es = scale_out_ ? edge(s) : 0;
      for (int d = 0; d < n; ++d) {
        const double b = row[d];
        if (b == 0 || s == d) continue;
        if (node_of(d) == node) {
          add_intra(s, d, b, link_bytes);
          continue;
        }
        up[s] += b;
        down[d] += b;
        pair_bytes[static_cast<std::size_t>(es) * e + edge(d)] += b;
      }
    }
    for (int d = 0; d < n; ++d) {
      if (up[d] > 0 || down[d] > 0) add_up_down(d, up[d], down[d], link_bytes);
    }
    if (scale_out_) add_switch_pairs({}, 0, &pair_bytes, link_bytes);
    return true;
  }

  // Uniform all-to-all inside groups of g consecutive ranks, B bytes per ordered pair.
  const int g = traffic.group_size();
  const double bytes = traffic.bytes_per_pair();
  std::vector<long long> pair_count(e * e, 0);
  std::vector<int> per_switch(e, 0);
  std::vector<int> touched;
  for (int first = 0; first < n; first += g) {
    const int last = first + g;  // exclusive
    for (int s = first; s < last; ++s) {
      // Group members in the same server: consecutive ranks, so an interval.
      const int node_lo = std::max(first, node_of(s) * gpus_),
                node_hi = std::min(last, (node_of(s) + 1) * gpus_);
      const int same_node = node_hi - node_lo;
      if (node_fabric_ == NodeFabric::kNvLinkMesh) {
        for (int d = node_lo; d < node_hi; ++d) {
          if (d != s) add_intra(s, d, bytes, link_bytes);
        }
      } else if (same_node > 1) {
        link_bytes[hub_up_[s]] += bytes * (same_node - 1);
        link_bytes[hub_down_[s]] += bytes * (same_node - 1);
      }
      const double inter = bytes * (g - same_node);
      if (inter > 0) add_up_down(s, inter, inter, link_bytes);
      if (!scale_out_) continue;
      const int es = edge(s);
      if (per_switch[es]++ == 0) touched.push_back(es);
      // Same-server pairs never reach the switches: take them out of the switch-pair counts below.
      for (int d = node_lo; d < node_hi; ++d) {
        if (d != s && edge(d) != es) --pair_count[static_cast<std::size_t>(es) * e + edge(d)];
      }
    }
    for (int a : touched) {
      for (int b : touched) {
        if (a != b)
          pair_count[static_cast<std::size_t>(a) * e + b] +=
              static_cast<long long>(per_switch[a]) * per_switch[b];
      }
    }
    for (int a : touched) per_switch[a] = 0;
    touched.clear();
  }
  if (scale_out_) add_switch_pairs(pair_count, bytes, nullptr, link_bytes);
  return true;
}

void ScaleOut::accumulate(const std::vector<SwitchFlow>& flows, std::vector<double>& link_bytes) const {
  std::vector<RouteHop> hops;
  for (const SwitchFlow& f : flows) {
    hops.clear();
    route(f.a, f.b, 1.0, hops);
    for (const RouteHop& h : hops) link_bytes[h.link] += f.bytes * h.fraction;
  }
}

void ClusterTopology::accumulate_flows(const Flow* flows, std::size_t count, double scale,
                                       std::vector<double>& link_bytes) const {
  std::vector<SwitchFlow> between;
  for (std::size_t i = 0; i < count; ++i) {
    const Flow& f = flows[i];
    if (f.src == f.dst || f.bytes <= 0) continue;
    const double bytes = scale * f.bytes;
    if (node_of(f.src) == node_of(f.dst)) {
      add_intra(f.src, f.dst, bytes, link_bytes);
      continue;
    }
    if (pcie_up_[f.src] != kNoLink) link_bytes[pcie_up_[f.src]] += bytes;
    if (pcie_down_[f.dst] != kNoLink) link_bytes[pcie_down_[f.dst]] += bytes;
    const int es = endpoint_of(f.src), ed = endpoint_of(f.dst);
    link_bytes[nic_up_[es]] += bytes;
    link_bytes[nic_down_[ed]] += bytes;
    const int a = scale_out_->edge_switch_of(es), b = scale_out_->edge_switch_of(ed);
    if (a != b) between.push_back({a, b, bytes});
  }
  if (!between.empty()) scale_out_->accumulate(between, link_bytes);
}

}  // namespace moesim::topologies
