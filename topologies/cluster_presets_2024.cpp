// Cluster presets of 2023-2025. Bandwidths are one direction; per-GPU scale-up figures are the
// accelerator presets' (accelerators_2024.cpp) unless said otherwise.
#include "topologies/cluster_presets_2024.h"

namespace moesim::topologies::detail {

ClusterSpec h800_cluster() {
  // DeepSeek-V3 Technical Report §3.1: 2,048 H800, 8 per node on NVLink + NVSwitch, InfiniBand between
  // nodes; §3.2.2: "IB (50 GB/s)" per GPU and "NVLink (160 GB/s)" achievable. DeepSeek's ISCA 2025 paper
  // ("Insights into DeepSeek-V3") describes the fabric as a multi-plane two-layer fat-tree, one plane per
  // GPU-NIC pair: a rail-optimised 2-level fat-tree of 64-port 400 Gb/s switches here (256 nodes x 8 rails
  // = 64 leaves of 32 down-ports, the largest such fat-tree).
  ClusterSpec s;
  s.name = "h800-cluster";
  s.description = "256 nodes of 8 H800 (DeepSeek-V3's 2,048), NVSwitch at 200 GB/s, 8x 400 Gb/s IB rails";
  s.accelerator = "h800-sxm";
  s.devices = 256 * 8;
  s.node = {8, NodeFabric::kNvSwitch, 400e9 / 2, 1e-6, 8, 400e9 / 8, 1e-6, 0, 1e-6};
  s.node.nvls = true;  // third-generation NVSwitch, as the H100's HGX board (assumption: not cut on H800)
  s.fabric = FabricType::kFatTree;
  s.fat_tree = {2, 64, 1.0, true, 400e9 / 8, 1e-6};
  return s;
}

ClusterSpec dgx_b200_cluster() {
  // NVIDIA DGX B200 (datasheet via stas00): 8 B200 on fifth-generation NVSwitch (900 GB/s per GPU per
  // direction), 8 ConnectX-7 400 Gb/s NICs; the DGX SuperPOD B200 design keeps the H100 SuperPOD's
  // rail-optimised fabric of 64-port NDR switches (2 levels for 1,024 GPUs, as dgx-h100-superpod).
  ClusterSpec s;
  s.name = "dgx-b200-superpod";
  s.description = "128 DGX B200 (1,024 B200), NVLink 5 NVSwitch, 8x NDR 400 Gb/s rails, 2-level fat-tree";
  s.accelerator = "b200";
  s.devices = 128 * 8;
  s.node = {8, NodeFabric::kNvSwitch, 900e9, 1e-6, 8, 400e9 / 8, 1e-6, 0, 1e-6};
  s.node.nvls = true;  // NVLink SHARP on the fifth-generation NVSwitch (reference §1.1: NVLS on sm100)
  s.fabric = FabricType::kFatTree;
  s.fat_tree = {2, 64, 1.0, true, 400e9 / 8, 1e-6};
  s.fat_tree.sharp = true;
  s.power.basis =
      "no host, NIC or switch power figures in our sources: set energy.host_power_w_per_node and the network "
      "keys";
  return s;
}

ClusterSpec gb200_nvl72() {
  // GB200 NVL72 (NVIDIA product page via stas00/glennklockwood; reference §2: 32-GPU NVLink-domain
  // nccl-tests): 72 GB200 GPUs in one NVLink domain, every GPU at 900 GB/s per direction through the
  // rack's NVLink Switch trays, which reduce in the switch (NVLS). Scale-out: one 400 Gb/s ConnectX-7 per
  // GPU (DGX GB200 datasheet: 72 single-port ConnectX-7 per rack; not in the reference copies) into a
  // 2-level fat-tree of 64-port switches, not rail-optimised (72 NICs per rack exceed a switch). 8 racks
  // (576 GPUs); `devices: N x 72` gives other rack counts.
  ClusterSpec s;
  s.name = "gb200-nvl72";
  s.description = "8 GB200 NVL72 racks (576 GPUs): 72-GPU NVLink domains, 1x 400 Gb/s NIC per GPU";
  s.accelerator = "gb200";
  s.devices = 8 * 72;
  s.node = {72, NodeFabric::kNvSwitch, 900e9, 1e-6, 72, 400e9 / 8, 1e-6, 0, 1e-6};
  s.node.nvls = true;
  s.fabric = FabricType::kFatTree;
  s.fat_tree = {2, 64, 1.0, false, 400e9 / 8, 1e-6};
  s.power.basis =
      "no host, NIC or switch power figures in our sources: set energy.host_power_w_per_node and the network "
      "keys";
  return s;
}

ClusterSpec mi300x_roce_cluster() {
  // AMD Instinct MI300X platform: 8 MI300X per node, each pair joined by one Infinity Fabric link (7 per
  // GPU, 64 GB/s per direction: accelerators_2024.cpp [MI3]) — a full mesh. Scale-out (assumption, as
  // the large MI300X deployments describe them: one 400 Gb/s RoCE NIC per GPU, rail-optimised): 8x 400 Gb/s
  // RoCE NICs per node, 2-level fat-tree of 64-port Ethernet switches; 128 nodes = 1,024 GPUs.
  ClusterSpec s;
  s.name = "mi300x-roce";
  s.description = "128 nodes of 8 MI300X (1,024), Infinity Fabric mesh, 8x 400 Gb/s RoCE rails (assumed)";
  s.accelerator = "mi300x";
  s.devices = 128 * 8;
  s.node = {8, NodeFabric::kNvLinkMesh, 64e9, 1e-6, 8, 400e9 / 8, 1e-6, 0, 1e-6};
  s.node.nic_kind = NicKind::kRoce;
  s.fabric = FabricType::kFatTree;
  s.fat_tree = {2, 64, 1.0, true, 400e9 / 8, 1e-6};
  s.power.basis =
      "no host, NIC or switch power figures in our sources: set energy.host_power_w_per_node and the network "
      "keys";
  return s;
}

ClusterSpec tpuv5e_pod() {
  // TPU v5e pod: 256 chips, 16x16 2D torus (cloud.google.com/tpu/docs/v5e); ICI 4.5e10 B/s per link one way
  // (scaling book tpus.md); wrap-around only on a full 16-chip axis (both here); 8 chips per host (reference
  // §4: "2x100 Gb/s NIC per 8-chip host").
  ClusterSpec s;
  s.name = "tpuv5e-pod";
  s.description = "TPU v5e pod: 256 chips, 16x16 2D torus, ICI 45 GB/s per link";
  s.accelerator = "tpuv5e";
  s.devices = 256;
  s.fabric = FabricType::kTorus;
  s.torus = {{16, 16}, 1, 8, 4.5e10, 1e-6, {}};
  s.power.basis =
      "no host, NIC or switch power figures in our sources: set energy.host_power_w_per_node and the network "
      "keys";
  return s;
}

ClusterSpec tpuv5p_pod() {
  // TPU v5p: 3D torus of 4x4x4 cubes (cloud.google.com/tpu/docs/v5p), largest slice 16x16x24 = 6,144 chips
  // (reference §4); ICI 9e10 B/s per link one way (scaling book); 4 chips per host (as v4; assumption).
  ClusterSpec s;
  s.name = "tpuv5p-pod";
  s.description = "TPU v5p slice: 6,144 chips, 16x16x24 3D torus of 4x4x4 cubes, ICI 90 GB/s per link";
  s.accelerator = "tpuv5p";
  s.devices = 16 * 16 * 24;
  s.fabric = FabricType::kTorus;
  s.torus = {{16, 16, 24}, 4, 4, 9e10, 1e-6, {}};
  s.power.basis =
      "no host, NIC or switch power figures in our sources: set energy.host_power_w_per_node and the network "
      "keys";
  return s;
}

ClusterSpec tpuv6e_pod() {
  // TPU v6e pod: 256 chips, 16x16 2D torus (cloud.google.com/tpu/docs/v6e); ICI 9e10 B/s per link one way
  // (scaling book); 8 chips per host (as v5e; assumption).
  ClusterSpec s;
  s.name = "tpuv6e-pod";
  s.description = "TPU v6e (Trillium) pod: 256 chips, 16x16 2D torus, ICI 90 GB/s per link";
  s.accelerator = "tpuv6e";
  s.devices = 256;
  s.fabric = FabricType::kTorus;
  s.torus = {{16, 16}, 1, 8, 9e10, 1e-6, {}};
  s.power.basis =
      "no host, NIC or switch power figures in our sources: set energy.host_power_w_per_node and the network "
      "keys";
  return s;
}

}  // namespace moesim::topologies::detail
