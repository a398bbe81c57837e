#include "topologies/cluster_presets.h"

#include <vector>

#include "topologies/accelerator.h"
#include "topologies/cluster_presets_2024.h"

namespace moesim::topologies {
namespace {

// Bandwidths are one direction. NVLink per GPU: half of the datasheet's bidirectional total
// (accelerator.cpp).

// Power besides the accelerators (ClusterPowerSpec). Sources:
//  [LAT]  Latif et al. 2024, "Empirical Measurements of AI Training Power Demand on a GPU-Accelerated Node"
//         (arXiv 2412.08602; IEEE Access 13, 2025): an 8-GPU H100 HGX node peaked at 8.48 kW while training
//         with its GPUs near full utilisation, against the 10.2 kW rating of a DGX H100 (DGX H100 user
//         guide).
//  [DGXA] DGX A100: 6.5 kW maximum (6 x 3 kW supplies, published-figures.md §9).
//  [OSFP] NVIDIA MMS4X00-NS400 400G single-port OSFP transceiver (the NIC end of a SuperPOD link): 9 W
//         typical; QM97xx user manual ("Interfaces"): switch cages take class-8 (17 W) twin-port OSFPs, i.e.
//         8.5 W per 400G port.
//  [GC3] [GC4] [PAT T3] [GLaM]: measured chip mean and measured system average per TPU chip
//  (accelerator.cpp). [M]    a figure recalled but not confirmed from a primary copy here (ConnectX adapters,
//  NVSwitch chips,
//         QM9700/QM8790 chassis): each is marked, and each moves only the split of a measured or rated total
//         between hosts, NICs and switches, except the fabric-switch chassis.
// Traffic-dependent power: none of these sources gives a switch's or NIC's power as a function of its load,
// so every figure is static (drawn whether the link is busy or not).

/// DGX H100 SuperPOD. [LAT]: 8,480 W - 8 x 700 W GPUs at their limit = 2,880 W for the rest of a node, split
/// into 8 NIC ports of 29 W (ConnectX-7 adapter 20 W [M] + transceiver 9 W [OSFP]), 4 NVSwitch chips of
/// 100 W [M] and the host's remaining 2,248 W (2 Xeon 8480C, 2 TB DRAM, 2 BlueField-3, NVMe, fans, supplies).
/// QM9700 chassis 750 W [M] plus 8.5 W per cabled port [OSFP].
ClusterPowerSpec dgx_h100_power() {
  constexpr double nic_w = 20.0 + 9.0, nvswitch_w = 4 * 100.0;
  return {8480.0 - 8 * 700.0 - 8 * nic_w - nvswitch_w,
          nic_w,
          nvswitch_w,
          0,
          750.0,
          17.0 / 2,
          "node: measured peak [Latif 2024] less GPU TDPs, split by [M] NIC/NVSwitch figures; QM9700 [M]"};
}

/// DGX A100-class servers. No training measurement of a DGX A100 in our sources: the H100 node's measured
/// peak over its rating (8.48 / 10.2 kW [LAT]) applied to the 6.5 kW rating [DGXA] gives 5.40 kW, less
/// 8 x 400 W GPUs = 2,204 W for the rest, split into 8 NIC ports of 20 W (ConnectX-6 adapter 15 W [M] + HDR
/// QSFP56 optics 5 W [M]), 6 NVSwitch chips of 60 W [M] and the host's remaining 1,684 W. QM8790 chassis
/// 250 W [M] plus 5 W per cabled port [M].
ClusterPowerSpec dgx_a100_power() {
  constexpr double nic_w = 15.0 + 5.0, nvswitch_w = 6 * 60.0;
  const double rest_w = 6500.0 * 8480.0 / 10200.0 - 8 * 400.0;
  return {rest_w - 8 * nic_w - nvswitch_w,
          nic_w,
          nvswitch_w,
          0,
          250.0,
          5.0,
          "node: rated maximum x H100's measured/rated ratio [Latif 2024] less GPU TDPs; [M] splits"};
}

/// TPU hosts of 4 chips: measured system average per chip less measured chip mean, x 4 (everything outside
/// the chip: host CPUs, DRAM, the data-centre NIC, fans, the share of ICI optics). ICI links are chip to
/// chip: the torus has no NIC or switch of its own.
ClusterPowerSpec tpu_host_power(double system_w_per_chip, double chip_mean_w, const char* basis) {
  return {4 * (system_w_per_chip - chip_mean_w), 0, 0, 0, 0, 0, basis};
}
ClusterSpec dgx_a100_superpod() {
  // NVIDIA DGX SuperPOD reference architecture with DGX A100 (RA-09950-001, Nov 2020): 140 DGX A100 in 7
  // scalable units of 20; 8 ConnectX-6 HDR 200 Gb/s NICs per node, one per GPU (rail-optimised); 40-port
  // QM8790 HDR switches in a three-level non-blocking fat-tree. Inside a node, 6 NVSwitches give every A100
  // its full 600 GB/s NVLink3 (300 GB/s per direction, A100 datasheet).
  ClusterSpec s;
  s.name = "dgx-a100-superpod";
  s.description =
      "140 DGX A100 (1,120 A100), NVSwitch nodes, 8x HDR 200 Gb/s rails, 3-level fat-tree radix 40";
  s.accelerator = "a100-sxm";
  s.devices = 140 * 8;
  s.node = {8, NodeFabric::kNvSwitch, 300e9, 1e-6, 8, 200e9 / 8, 1e-6, 0, 1e-6};
  s.fabric = FabricType::kFatTree;
  s.fat_tree = {3, 40, 1.0, true, 200e9 / 8, 1e-6};
  s.power = dgx_a100_power();
  // QM8790 is an NVIDIA Quantum HDR switch, which has SHARPv2 in-network reduction (QM8700/QM8790 product
  // brief); NCCL uses it only through the CollNet plugin, off by default (collectives.sharp).
  s.fat_tree.sharp = true;
  return s;
}

ClusterSpec dgx_h100_superpod() {
  // NVIDIA DGX SuperPOD reference architecture with DGX H100 (RA-11333-001): scalable units of 32 DGX H100,
  // 4 SUs (128 node slots; the RA fills 127 and gives one leaf port per rail to UFM — we model 128 nodes for
  // a power-of-two device count); 8 ConnectX-7 NDR 400 Gb/s NICs per node, rail-optimised; 64-port QM9700
  // switches, two-level non-blocking fat-tree: 32 leaves + 16 spines (the RA's table for this SU design:
  // 2 SU 16+8, 4 SU 32+16, 8 SU 64+32, beyond that leaf/spine/core). NVSwitch gives every H100 900 GB/s
  // NVLink4 (450 GB/s per direction).
  ClusterSpec s;
  s.name = "dgx-h100-superpod";
  s.description =
      "128 DGX H100 (1,024 H100), NVSwitch nodes, 8x NDR 400 Gb/s rails, 2-level fat-tree radix 64";
  s.accelerator = "h100-sxm";
  s.devices = 128 * 8;
  s.node = {8, NodeFabric::kNvSwitch, 450e9, 1e-6, 8, 400e9 / 8, 1e-6, 0, 1e-6};
  s.fabric = FabricType::kFatTree;
  s.fat_tree = {2, 64, 1.0, true, 400e9 / 8, 1e-6};
  s.power = dgx_h100_power();
  // Third-generation NVSwitch of the DGX H100 reduces and multicasts in the switch (NVLink SHARP, "NVLS";
  // NVIDIA DGX H100 user guide / NVSwitch whitepaper); NCCL uses it on sm90 by default (NCCL_NVLS_ENABLE).
  s.node.nvls = true;
  // QM9700 is an NVIDIA Quantum-2 NDR switch with SHARPv3 (QM9700 product brief); used only when enabled.
  s.fat_tree.sharp = true;
  return s;
}

ClusterSpec tpuv3_pod() {
  // TPU v3 pod: 1,024 chips in a 32x32 2D torus with wrap-around (cloud.google.com/tpu/docs/v3; Jouppi et al.
  // CACM 2020); ICI 656 Gb/s per link, 4 links per chip (one per torus neighbour); 4 chips per host.
  ClusterSpec s;
  s.name = "tpuv3-pod";
  s.description = "TPU v3 pod: 1,024 chips, 32x32 2D torus, ICI 656 Gb/s per link";
  s.accelerator = "tpuv3";
  s.devices = 1024;
  s.fabric = FabricType::kTorus;
  s.torus = {{32, 32}, 1, 4, 656e9 / 8, 1e-6, {}};
  s.power = tpu_host_power(283.0, 220.0, "host: TPU v3 system average [Patterson T3] less chip mean [GC3]");
  return s;
}

ClusterSpec tpuv4_pod() {
  // TPU v4 pod: 4,096 chips; 64 cubes of 4x4x4 joined by optical circuit switches into a 16x16x16 3D torus
  // (cloud.google.com/tpu/docs/v4; Jouppi et al. ISCA 2023); 6 ICI links per chip at 400 Gb/s each direction
  // (glennklockwood.com/garden/processors/TPUv4); 4 chips per host. Slices are 3D tori of whole cubes.
  ClusterSpec s;
  s.name = "tpuv4-pod";
  s.description = "TPU v4 pod: 4,096 chips, 16x16x16 3D torus of 4x4x4 cubes, ICI 400 Gb/s per link";
  s.accelerator = "tpuv4";
  s.devices = 4096;
  s.fabric = FabricType::kTorus;
  s.torus = {{16, 16, 16}, 4, 4, 400e9 / 8, 1e-6, {}};
  s.power = tpu_host_power(326.0, 170.0, "host: TPU v4 system average [GLaM] less chip mean [GC4]");
  return s;
}

ClusterSpec tutel_ndm_a100_v4() {
  // Azure NDm A100 v4 as used by Tutel (Hwang et al. 2023, arXiv 2206.03382): 8 A100 80 GB per VM on
  // NVSwitch, 8 x HDR 200 Gb/s InfiniBand (1,600 Gb/s per VM). The published figures give no switch design;
  // we assume a non-blocking two-level fat-tree of 40-port HDR switches. 64 VMs = 512 GPUs (Tutel's largest
  // scale is 2,048 GPUs: set devices).
  ClusterSpec s;
  s.name = "azure-ndm-a100-v4";
  s.description = "Azure NDm A100 v4 (Tutel): 8 A100 + 8x HDR 200 Gb/s per VM, 2-level fat-tree radix 40";
  s.accelerator = "a100-sxm";
  s.devices = 512;
  s.node = {8, NodeFabric::kNvSwitch, 300e9, 1e-6, 8, 200e9 / 8, 1e-6, 0, 1e-6};
  s.fabric = FabricType::kFatTree;
  s.fat_tree = {2, 40, 1.0, false, 200e9 / 8, 1e-6};
  s.power = dgx_a100_power();  // assumption: the same class of 8 x A100 + 8 x HDR server and HDR switches
  return s;
}

ClusterSpec k40_pcie_cluster() {
  // Shazeer et al. 2017 trained on clusters of Tesla K40 GPUs ("32 K40 typical", Table 8). The paper gives no
  // network; we assume 4 K40 per server on PCIe 3.0 x16 (15.75 GB/s per direction, K40 datasheet) and one
  // 56 Gb/s FDR InfiniBand NIC per server under a single 36-port switch layer (assumption).
  ClusterSpec s;
  s.name = "k40-pcie-cluster";
  s.description =
      "32 Tesla K40 (Shazeer 2017 scale), 4 per PCIe server, 1x FDR 56 Gb/s NIC, 2-level fat-tree";
  s.accelerator = "k40";
  s.devices = 32;
  s.node = {4, NodeFabric::kPcie, 15.75e9, 1e-6, 1, 56e9 / 8, 1e-6, 0, 1e-6};
  s.fabric = FabricType::kFatTree;
  s.fat_tree = {2, 36, 1.0, false, 56e9 / 8, 1e-6};
  s.power.basis = "no figures for these servers: set energy.host_power_w_per_node and the network keys";
  return s;
}

/// H800 nodes are HGX H100 boards with fewer NVLinks (same 700 W GPUs, ConnectX-7 rails, host class): the DGX
/// H100 node's figures, an assumption stated in the basis.
ClusterSpec h800_cluster_with_power() {
  auto s = detail::h800_cluster();
  s.power = dgx_h100_power();
  s.power.basis = "assumed equal to DGX H100's (same HGX board and host class): " + s.power.basis;
  return s;
}

std::vector<ClusterPreset> make_presets() {
  std::vector<ClusterPreset> out;
  for (auto spec :
       {dgx_a100_superpod(), dgx_h100_superpod(), tpuv3_pod(), tpuv4_pod(), tutel_ndm_a100_v4(),
        k40_pcie_cluster(), h800_cluster_with_power(), detail::dgx_b200_cluster(), detail::gb200_nvl72(),
        detail::mi300x_roce_cluster(), detail::tpuv5e_pod(), detail::tpuv5p_pod(), detail::tpuv6e_pod()}) {
    out.push_back({spec.name, spec.description, spec});
  }
  return out;
}

}  // namespace

std::span<const ClusterPreset> cluster_presets() {
  static const std::vector<ClusterPreset> kPresets = make_presets();
  return kPresets;
}

const ClusterPreset* find_cluster_preset(std::string_view name) {
  for (const auto& p : cluster_presets()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string cluster_preset_names() {
  std::string out;
  for (const auto& p : cluster_presets()) {
    if (!out.empty()) out += ", ";
    out += p.name;
  }
  return out;
}

}  // namespace moesim::topologies
