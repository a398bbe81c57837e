// moesim — a cluster of servers (NVSwitch / NVLink-mesh / PCIe inside) joined by a fat-tree or dragonfly.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "topologies/cluster_spec.h"
#include "topologies/graph_topology.h"
#include "topologies/scale_out.h"

namespace moesim::topologies {

/// Servers of `node.gpus` accelerators (DGX A100/H100: NVSwitch; DGX-1 style NVLink mesh; PCIe boxes), each
/// with `node.nics` NICs, joined by a ScaleOut network. Inside a server: NVSwitch = one switch vertex every
/// GPU reaches at its full NVLink bandwidth (the DGX's 4-6 NVSwitch chips act as one non-blocking crossbar);
/// mesh = a direct link per GPU pair; PCIe = one PCIe switch. A NIC hangs off its GPU directly when there is
/// one NIC per GPU (rail-optimised), else off a PCIe switch shared by gpus/nics GPUs (the node's PCIe
/// switch for a PCIe server). GPU l uses NIC l * nics / gpus.
/// Routes: same server -> the node fabric; otherwise GPU -> [PCIe switch] -> NIC -> edge switch -> ScaleOut
/// route -> edge switch -> NIC -> [PCIe switch] -> GPU.
class ClusterTopology : public GraphTopology {
 public:
  explicit ClusterTopology(const ClusterSpec& spec);

  void route(int src, int dst, std::vector<RouteHop>& out) const override;
  void single_path(int src, int dst, std::vector<LinkId>& out) const override;
  int hop_count(int src, int dst) const override;
  long long path_count(int src, int dst) const override;
  double bisection_bandwidth_Bps() const override;
  std::string description() const override;
  bool accumulate_traffic(const TrafficMatrix& traffic, std::vector<double>& link_bytes) const override;
  void accumulate_flows(const Flow* flows, std::size_t count, double scale,
                        std::vector<double>& link_bytes) const override;
  const ClusterSpec* cluster_spec() const override { return &spec_; }

  int endpoint_of(int device) const { return node_of(device) * nics_ + local_rank(device) * nics_ / gpus_; }

 private:
  friend class FatTree;
  friend class Dragonfly;

  void build_node(int node);
  void add_intra(int src, int dst, double bytes, std::vector<double>& link_bytes) const;
  void add_up_down(int device, double up_bytes, double down_bytes, std::vector<double>& link_bytes) const;
  void add_switch_pairs(const std::vector<long long>& pair_count, double bytes_per_count,
                        const std::vector<double>* pair_bytes, std::vector<double>& link_bytes) const;

  ClusterSpec spec_;
  int gpus_;
  int nics_;
  NodeFabric node_fabric_;
  std::vector<int> attach_vertex_;           ///< per endpoint: the vertex its NIC cable leaves from
  std::vector<LinkId> hub_up_, hub_down_;    ///< per device: GPU->NVSwitch/PCIe switch and back
  std::vector<LinkId> mesh_;                 ///< per node: gpus x gpus direct links (nvlink-mesh)
  std::vector<LinkId> pcie_up_, pcie_down_;  ///< per device: GPU->NIC's PCIe switch (kInvalid if none)
  std::vector<LinkId> nic_up_, nic_down_;    ///< per endpoint: NIC->edge switch and back
  std::unique_ptr<ScaleOut> scale_out_;
  double node_bisection_Bps_ = 0;
};

}  // namespace moesim::topologies
