#include "topologies/cluster_topology.h"

#include <algorithm>
#include <limits>
#include <sstream>

#include "topologies/dragonfly.h"
#include "topologies/fat_tree.h"
#include "topologies/link_loads.h"

namespace moesim::topologies {
namespace {
constexpr LinkId kNoLink = std::numeric_limits<LinkId>::max();
}  // namespace

ClusterTopology::ClusterTopology(const ClusterSpec& spec)
    : GraphTopology(spec.devices, spec.node.gpus),
      spec_(spec),
      gpus_(spec.node.gpus),
      nics_(spec.node.nics),
      node_fabric_(spec.node.fabric) {
  validate_cluster(spec);
  // Devices first (ranks 0..N-1), then each server's switches.
  const int node_groups = nodes_ <= 32 ? nodes_ : 16;
  const int nodes_per_group = (nodes_ + node_groups - 1) / node_groups;
  std::vector<int> group(nodes_);
  for (int g = 0; g * nodes_per_group < nodes_; ++g) {
    const int last = std::min(nodes_, (g + 1) * nodes_per_group) - 1;
    const int id = add_group(nodes_per_group == 1 ? "node" + std::to_string(g)
                                                  : "nodes" + std::to_string(g * nodes_per_group) + "-" +
                                                        std::to_string(last));
    for (int n = g * nodes_per_group; n <= last; ++n) group[n] = id;
  }
  for (int d = 0; d < devices_; ++d)
    add_vertex(VertexKind::kDevice, d, "gpu" + std::to_string(d), group[d / gpus_]);
  hub_up_.assign(devices_, kNoLink);
  hub_down_.assign(devices_, kNoLink);
  pcie_up_.assign(devices_, kNoLink);
  pcie_down_.assign(devices_, kNoLink);
  if (node_fabric_ == NodeFabric::kNvLinkMesh)
    mesh_.assign(static_cast<std::size_t>(nodes_) * gpus_ * gpus_, kNoLink);
  if (spec.fabric != FabricType::kNone) attach_vertex_.assign(static_cast<std::size_t>(nodes_) * nics_, -1);
  for (int n = 0; n < nodes_; ++n) build_node(n);

  const double nvl = spec.node.link_bandwidth_Bps;
  switch (node_fabric_) {
    case NodeFabric::kNvSwitch:
    case NodeFabric::kPcie:
      node_bisection_Bps_ = gpus_ / 2 * nvl;
      break;
    case NodeFabric::kNvLinkMesh:
      node_bisection_Bps_ = (gpus_ / 2) * (gpus_ - gpus_ / 2) * nvl;
      break;
  }
  const int nic_tier = spec.fabric == FabricType::kNone ? -1 : tier_id("nic");  // tiers listed bottom-up
  if (spec.fabric == FabricType::kFatTree) scale_out_ = std::make_unique<FatTree>(spec, *this);
  if (spec.fabric == FabricType::kDragonfly) scale_out_ = std::make_unique<Dragonfly>(spec, *this);
  if (scale_out_) {
    for (std::size_t e = 0; e < attach_vertex_.size(); ++e) {
      const int sw = scale_out_->edge_switch_vertex(scale_out_->edge_switch_of(static_cast<int>(e)));
      auto [up, down] =
          add_cable(attach_vertex_[e], sw, spec.node.nic_bandwidth_Bps, spec.node.nic_latency_s, nic_tier);
      nic_up_.push_back(up);
      nic_down_.push_back(down);
    }
  }
  finalize();
}

void ClusterTopology::build_node(int n) {
  const NodeSpec& ns = spec_.node;
  const int first = n * gpus_;
  const std::string prefix = "node" + std::to_string(n);
  const int grp = vertex_group(first);
  if (gpus_ > 1 || node_fabric_ == NodeFabric::kPcie) {
    if (node_fabric_ == NodeFabric::kNvLinkMesh) {
      const int tier = tier_id("nvlink");
      for (int i = 0; i < gpus_; ++i) {
        for (int j = i + 1; j < gpus_; ++j) {
          auto [ij, ji] = add_cable(first + i, first + j, ns.link_bandwidth_Bps, ns.link_latency_s, tier);
          mesh_[(static_cast<std::size_t>(n) * gpus_ + i) * gpus_ + j] = ij;
          mesh_[(static_cast<std::size_t>(n) * gpus_ + j) * gpus_ + i] = ji;
        }
      }
    } else {
      const bool nvswitch = node_fabric_ == NodeFabric::kNvSwitch;
      const int tier = tier_id(nvswitch ? "nvlink" : "pcie");
      const double bw = ns.link_bandwidth_Bps;
      const int hub = add_vertex(VertexKind::kSwitch, n, prefix + (nvswitch ? ".nvswitch" : ".pcie"), grp);
      for (int i = 0; i < gpus_; ++i) {
        auto [up, down] = add_cable(first + i, hub, bw, ns.link_latency_s, tier);
        hub_up_[first + i] = up;
        hub_down_[first + i] = down;
      }
      if (!nvswitch) {
        // A PCIe server: its NICs hang off the same PCIe switch.
        for (int i = 0; i < gpus_; ++i) {
          pcie_up_[first + i] = hub_up_[first + i];
          pcie_down_[first + i] = hub_down_[first + i];
        }
        for (int r = 0; r < nics_ && !attach_vertex_.empty(); ++r) attach_vertex_[n * nics_ + r] = hub;
        return;
      }
    }
  }
  if (attach_vertex_.empty()) return;
  if (nics_ == gpus_) {
    for (int r = 0; r < nics_; ++r) attach_vertex_[n * nics_ + r] = first + r;
    return;
  }
  // Fewer NICs than GPUs: gpus/nics GPUs share a PCIe switch with their NIC.
  const int tier = tier_id("pcie");
  const int share = gpus_ / nics_;
  for (int r = 0; r < nics_; ++r) {
    const int sw = add_vertex(VertexKind::kSwitch, n * nics_ + r, prefix + ".pcie" + std::to_string(r), grp);
    attach_vertex_[n * nics_ + r] = sw;
    for (int i = r * share; i < (r + 1) * share; ++i) {
      auto [up, down] = add_cable(first + i, sw, ns.pcie_bandwidth_Bps, ns.pcie_latency_s, tier);
      pcie_up_[first + i] = up;
      pcie_down_[first + i] = down;
    }
  }
}

void ClusterTopology::route(int src, int dst, std::vector<RouteHop>& out) const {
  out.clear();
  if (src == dst) return;
  if (node_of(src) == node_of(dst)) {
    if (node_fabric_ == NodeFabric::kNvLinkMesh) {
      out.push_back({mesh_[(static_cast<std::size_t>(node_of(src)) * gpus_ + local_rank(src)) * gpus_ +
                           local_rank(dst)],
                     1.0});
    } else {
      out.push_back({hub_up_[src], 1.0});
      out.push_back({hub_down_[dst], 1.0});
    }
    return;
  }
  const int es = endpoint_of(src), ed = endpoint_of(dst);
  if (pcie_up_[src] != kNoLink) out.push_back({pcie_up_[src], 1.0});
  out.push_back({nic_up_[es], 1.0});
  const int a = scale_out_->edge_switch_of(es), b = scale_out_->edge_switch_of(ed);
  if (a != b) scale_out_->route(a, b, 1.0, out);
  out.push_back({nic_down_[ed], 1.0});
  if (pcie_down_[dst] != kNoLink) out.push_back({pcie_down_[dst], 1.0});
}

void ClusterTopology::single_path(int src, int dst, std::vector<LinkId>& out) const {
  thread_local std::vector<RouteHop> hops;
  out.clear();
  if (src == dst) return;
  if (node_of(src) == node_of(dst)) {
    route(src, dst, hops);
    for (const auto& h : hops) out.push_back(h.link);
    return;
  }
  const int es = endpoint_of(src), ed = endpoint_of(dst);
  if (pcie_up_[src] != kNoLink) out.push_back(pcie_up_[src]);
  out.push_back(nic_up_[es]);
  const int a = scale_out_->edge_switch_of(es), b = scale_out_->edge_switch_of(ed);
  if (a != b) scale_out_->single_path(a, b, es, ed, out);
  out.push_back(nic_down_[ed]);
  if (pcie_down_[dst] != kNoLink) out.push_back(pcie_down_[dst]);
}

int ClusterTopology::hop_count(int src, int dst) const {
  if (src == dst) return 0;
  if (node_of(src) == node_of(dst)) return node_fabric_ == NodeFabric::kNvLinkMesh ? 1 : 2;
  const int es = endpoint_of(src), ed = endpoint_of(dst);
  const int a = scale_out_->edge_switch_of(es), b = scale_out_->edge_switch_of(ed);
  return 2 + (pcie_up_[src] != kNoLink ? 2 : 0) + (a == b ? 0 : scale_out_->hops(a, b));
}

long long ClusterTopology::path_count(int src, int dst) const {
  if (src == dst || node_of(src) == node_of(dst)) return 1;
  const int a = scale_out_->edge_switch_of(endpoint_of(src)),
            b = scale_out_->edge_switch_of(endpoint_of(dst));
  return a == b ? 1 : scale_out_->paths(a, b);
}

double ClusterTopology::bisection_bandwidth_Bps() const {
  if (!scale_out_) return node_bisection_Bps_;
  const double nic_half = attach_vertex_.size() / 2.0 * spec_.node.nic_bandwidth_Bps;
  return std::min(nic_half, scale_out_->bisection_Bps());
}

std::string ClusterTopology::description() const {
  std::ostringstream o;
  o << nodes_ << " servers x " << gpus_ << " " << spec_.accelerator << " (" << to_string(node_fabric_) << ", "
    << nics_ << " NIC" << (nics_ > 1 ? "s" : "") << ")";
  if (scale_out_) o << ", " << scale_out_->description();
  return o.str();
}

}  // namespace moesim::topologies
