#include "tests/network/test_fabrics.h"

namespace moesim::testing {

FabricBase::FabricBase(int devices, int per_node, int switches, std::vector<std::string> tiers)
    : devices_(devices),
      per_node_(per_node),
      nodes_(devices / per_node),
      graph_(devices + switches),
      tiers_(std::move(tiers)) {
  for (int v = 0; v < devices + switches; ++v) {
    graph_[v].kind = v < devices ? topologies::VertexKind::kDevice : topologies::VertexKind::kSwitch;
    graph_[v].index = v < devices ? v : v - devices;
    std::string name = v < devices ? std::string("gpu") : std::string("sw");
    name.append(std::to_string(graph_[v].index));
    graph_[v].name = std::move(name);
  }
}

topologies::LinkId FabricBase::add_link(int from, int to, double bw_Bps, double lat_s, int tier) {
  boost::add_edge(from, to, topologies::LinkProps{bw_Bps, lat_s, tier}, graph_);
  links_.push_back({bw_Bps, lat_s, tier});
  ends_.emplace_back(from, to);
  return static_cast<topologies::LinkId>(links_.size() - 1);
}

void FabricBase::single_path(int src, int dst, std::vector<topologies::LinkId>& out) const {
  std::vector<topologies::RouteHop> hops;
  route(src, dst, hops);
  out.clear();
  for (const auto& h : hops) out.push_back(h.link);  // these fabrics have no ECMP
}

int FabricBase::hop_count(int src, int dst) const {
  std::vector<topologies::RouteHop> hops;
  route(src, dst, hops);
  return static_cast<int>(hops.size());
}

double FabricBase::route_latency_s(int src, int dst) const {
  std::vector<topologies::RouteHop> hops;
  route(src, dst, hops);
  double s = 0;
  for (const auto& h : hops) s += links_[h.link].latency_s;
  return s;
}

RingFabric::RingFabric(int n, double bw_Bps, double lat_s) : FabricBase(n, 1, 0, {"ring"}) {
  for (int i = 0; i < n; ++i) cw_.push_back(add_link(i, (i + 1) % n, bw_Bps, lat_s, 0));
  for (int i = 0; i < n; ++i) ccw_.push_back(add_link(i, (i + n - 1) % n, bw_Bps, lat_s, 0));
}

void RingFabric::route(int src, int dst, std::vector<topologies::RouteHop>& out) const {
  out.clear();
  const int n = devices_;
  const int fwd = (dst - src + n) % n;
  if (fwd == 0) return;
  if (fwd <= n - fwd) {
    for (int i = src; i != dst; i = (i + 1) % n) out.push_back({cw_[i], 1.0});
  } else {
    for (int i = src; i != dst; i = (i + n - 1) % n) out.push_back({ccw_[i], 1.0});
  }
}

TwoTierFabric::TwoTierFabric(int nodes, int per_node, double nvlink_Bps, double nvlink_lat_s, double nic_Bps,
                             double nic_lat_s)
    : FabricBase(nodes * per_node, per_node, nodes + 1, {"nvlink", "nic"}) {
  const int n = nodes * per_node;
  const int core = n + nodes;
  for (int d = 0; d < n; ++d) {
    const int nvswitch = n + d / per_node;
    nv_up_.push_back(add_link(d, nvswitch, nvlink_Bps, nvlink_lat_s, 0));
    nv_down_.push_back(add_link(nvswitch, d, nvlink_Bps, nvlink_lat_s, 0));
    nic_up_.push_back(add_link(d, core, nic_Bps, nic_lat_s, 1));
    nic_down_.push_back(add_link(core, d, nic_Bps, nic_lat_s, 1));
  }
}

void TwoTierFabric::route(int src, int dst, std::vector<topologies::RouteHop>& out) const {
  out.clear();
  if (src == dst) return;
  if (node_of(src) == node_of(dst)) {
    out.push_back({nv_up_[src], 1.0});
    out.push_back({nv_down_[dst], 1.0});
  } else {
    out.push_back({nic_up_[src], 1.0});
    out.push_back({nic_down_[dst], 1.0});
  }
}

}  // namespace moesim::testing
