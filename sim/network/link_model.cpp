#include "sim/network/link_model.h"

#include <string>

#include "topologies/cluster_spec.h"

namespace moesim::network {
namespace {

using topologies::ClusterSpec;

/// NVLink: NCCL models one link at SM70/SM80 20.0 GB/s and SM90 20.6 GB/s (NVIDIA/nccl src/graph/topo.h,
/// SM70_NVLINK_BW, SM80_NVLINK_BW, SM90_NVLINK_BW) against 25 GB/s per link per direction for NVLink 2, 3
/// and 4 (V100 6 links = 150 GB/s, A100 12 = 300, H100 18 = 450 per direction). Check: 18 x 20.6 = 371 vs
/// 365-370 GB/s measured ring busbw on 8 H100 (collectives-and-compute.md §1.4, §2). SM100 (B200, GB200):
/// 40.1 GB/s per NVLink 5 link (SM100_NVLINK_BW) of 50 GB/s per direction (18 links = 900 GB/s). H800 is an
/// sm90 part. MI300X's Infinity Fabric links get the NVLink 2-3 ratio: no RCCL figure in our sources.
double nvlink_efficiency(std::string_view accelerator) {
  if (accelerator == "h100-sxm" || accelerator == "h200-sxm" || accelerator == "h800-sxm") return 20.6 / 25.0;
  if (accelerator == "b200" || accelerator == "gb200") return 40.1 / 50.0;
  return 20.0 / 25.0;
}

/// InfiniBand: ConnectX-7 NDR 400 Gb/s NICs achieve 48-49 of 50 GB/s in NCCL (AddyLaddy, NVIDIA/nccl-tests
/// #267), HDR 200 Gb/s ~24 of 25 (sjeaugey, NVIDIA/nccl #412), EDR 12.2 of 12.5 (nccl-tests #29): 0.96.
constexpr double kInfiniBandEfficiency = 0.96;
/// RoCEv2 carries the same RDMA payload in larger frames: per 4096-byte MTU packet Ethernet (14 + 4 FCS),
/// IPv4 (20), UDP (8), BTH (12), ICRC (4) and 20 bytes of preamble and inter-frame gap = 82 bytes, against
/// InfiniBand's LRH (8), BTH (12), ICRC (4), VCRC (2) = 26 bytes (IBTA spec vol. 1 and Annex A17; IEEE
/// 802.3 framing). Same NIC otherwise: 0.96 x (4096/4178) / (4096/4122) = 0.947.
constexpr double kRoceEfficiency = kInfiniBandEfficiency * (4096.0 / 4178.0) / (4096.0 / 4122.0);
/// PCIe: NCCL models a Gen3 x16 link at 12 GB/s (src/graph/topo.h PCI_BW) against 15.75 GB/s line rate
/// (8 GT/s x 16 lanes x 128/130): 0.76, the TLP/DLLP overhead of 256-byte payloads plus flow control.
constexpr double kPcieEfficiency = 12.0 / 15.75;
/// TPU ICI: an AllGather of 34 MB on TPU v5e took 680 us against 560 us at link rate (jax-ml/scaling-book
/// sharding.md, measured): 0.82.
constexpr double kIciEfficiency = 560.0 / 680.0;

HopClass class_of_tier(const std::string& tier, const ClusterSpec* spec) {
  if (tier == "nvlink") return HopClass::kNvLink;
  if (tier == "pcie") return HopClass::kPcie;
  if (tier == "ici") return HopClass::kIci;
  // nic, spine, core (fat-tree), local, global (dragonfly): the scale-out network.
  if (spec && spec->node.nic_kind == topologies::NicKind::kRoce) return HopClass::kRoce;
  return HopClass::kInfiniBand;
}

/// Line rate of one link of the calibrated class on `spec` (what a calibrated bandwidth is a fraction of).
double class_line_rate_Bps(HopClass c, const ClusterSpec& spec) {
  switch (c) {
    case HopClass::kNvLink:
      return spec.node.link_bandwidth_Bps;
    case HopClass::kPcie:
      return spec.node.fabric == topologies::NodeFabric::kPcie ? spec.node.link_bandwidth_Bps
                                                               : spec.node.pcie_bandwidth_Bps;
    case HopClass::kIci:
      return spec.torus.link_bandwidth_Bps;
    case HopClass::kInfiniBand:
    case HopClass::kRoce:
      return spec.node.nic_bandwidth_Bps;
  }
  return 0;
}

}  // namespace

std::string_view calibration_name(HopClass c) {
  switch (c) {
    case HopClass::kNvLink:
      return "nvlink";
    case HopClass::kPcie:
      return "pcie";
    case HopClass::kIci:
      return "ici";
    case HopClass::kInfiniBand:
    case HopClass::kRoce:
      return "network";
  }
  return "?";
}

std::string_view hop_class_name(HopClass c) {
  switch (c) {
    case HopClass::kInfiniBand:
      return "infiniband";
    case HopClass::kRoce:
      return "roce";
    default:
      return calibration_name(c);
  }
}

double default_efficiency(HopClass c, std::string_view accelerator) {
  switch (c) {
    case HopClass::kNvLink:
      return nvlink_efficiency(accelerator);
    case HopClass::kPcie:
      return kPcieEfficiency;
    case HopClass::kInfiniBand:
      return kInfiniBandEfficiency;
    case HopClass::kRoce:
      return kRoceEfficiency;
    case HopClass::kIci:
      return kIciEfficiency;
  }
  return 1.0;
}

LinkModel LinkModel::line_rate(const topologies::Topology& topology) {
  LinkModel m;
  for (const auto& t : topology.tiers()) {
    m.tier_class_.push_back(class_of_tier(t, nullptr));
    m.tier_efficiency_.push_back(1.0);
  }
  m.bandwidth_Bps_.resize(topology.link_count());
  for (std::size_t l = 0; l < m.bandwidth_Bps_.size(); ++l)
    m.bandwidth_Bps_[l] = topology.link(static_cast<topologies::LinkId>(l)).bandwidth_Bps;
  return m;
}

LinkModel LinkModel::of(const topologies::Topology& topology) {
  const ClusterSpec* spec = topology.cluster_spec();
  if (spec == nullptr) return line_rate(topology);
  LinkModel m;
  for (const auto& t : topology.tiers()) {
    const HopClass c = class_of_tier(t, spec);
    double eff = default_efficiency(c, spec->accelerator);
    const auto cal = spec->collectives.calibration.find(std::string(calibration_name(c)));
    if (cal != spec->collectives.calibration.end() && cal->second.bandwidth_Bps) {
      const double line = class_line_rate_Bps(c, *spec);
      if (line > 0) eff = *cal->second.bandwidth_Bps / line;
    }
    m.tier_class_.push_back(c);
    m.tier_efficiency_.push_back(eff);
  }
  m.bandwidth_Bps_.resize(topology.link_count());
  for (std::size_t l = 0; l < m.bandwidth_Bps_.size(); ++l) {
    const auto& p = topology.link(static_cast<topologies::LinkId>(l));
    m.bandwidth_Bps_[l] = p.bandwidth_Bps * m.tier_efficiency_[static_cast<std::size_t>(p.tier)];
  }
  return m;
}

}  // namespace moesim::network
