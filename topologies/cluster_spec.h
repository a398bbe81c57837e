// moesim — the scenario's `cluster:` section: which accelerators, how many, and how they are wired.
//
// YAML keys of `cluster:` (units as in the README; every key is checked, unknown keys are errors):
//
//   preset: dgx-h100-superpod  # optional: start from a built-in cluster (`moesim presets`); any key below
//                              # overrides it, e.g. `devices: 256`
//   accelerator: h100-sxm      # accelerator preset: tpuv3 tpuv4 v100 a100-sxm h100-sxm h200-sxm k40 h800-sxm
//                              # b200 gb200 mi300x tpuv5e tpuv5p tpuv6e; or your own chip:
//   accelerator: {name: x1, like: h100-sxm, peak_flops: {bf16: 1200 TFLOP/s, fp8: 2400 TFLOP/s},
//                 hbm: 144 GB, hbm_bandwidth: 6 TB/s, power: {tdp: 900 W, idle: 120 W}}
//                              # every quantity with its unit; `like` (a preset) gives what is not said
//                              # (matrix-unit layout, ceilings, links); without it give matrix_units (SMs)
//                              # and matmul_ceiling (achievable fraction of peak on the best shape)
//   devices: 1024              # number of accelerators
//   node:                      # servers of switched fabrics (fat-tree, dragonfly, none); not for a torus
//     gpus: 8                  # accelerators per server; devices must be a multiple
//     fabric: nvswitch         # nvswitch (every GPU at full NVLink bandwidth through one switch vertex) |
//                              # nvlink-mesh (a direct link between every GPU pair) | pcie (one PCIe switch)
//     link_bandwidth: 450 GB/s # one direction: GPU<->NVSwitch, per GPU pair (mesh), GPU<->PCIe switch (pcie)
//     link_latency: 1 us       # optional, default 1 us
//     nics: 8                  # NICs per server, dividing gpus; nics == gpus: one rail per local rank
//     nic_bandwidth: 400 Gb/s  # per NIC, one direction
//     nic_latency: 1 us        # optional, default 1 us (NIC + cable + first switch)
//     nic_type: infiniband     # infiniband (default) | roce: sets the NICs' achievable bandwidth
//     pcie_bandwidth: 64 GB/s  # GPU<->PCIe-switch hop towards a shared NIC; required when nics < gpus
//     pcie_latency: 1 us       # optional, default 1 us
//     nvls: true               # optional, default false: the NVSwitches reduce and multicast (NVLink SHARP,
//                              # Hopper-class NVSwitch nodes)
//   fabric:
//     type: fat-tree           # fat-tree | torus | dragonfly | none (a single server)
//     link_bandwidth: 400 Gb/s # switch-switch (fat-tree), chip-chip ICI (torus), router-router local
//                              # (dragonfly); one direction
//     link_latency: 1 us       # optional, default 1 us per hop (switch traversal + cable)
//     # fat-tree:
//     levels: 2                # 2 (leaf-spine) or 3 (leaf-spine-core); default 2
//     radix: 64                # ports per switch
//     oversubscription: 1      # leaf down:up port ratio (1 = non-blocking, 2 = 2:1); default 1
//     rail_optimized: true     # NIC r of every server goes to a leaf of rail r (DGX SuperPOD); default false
//     sharp: true              # optional, default false: the switches reduce in the network (InfiniBand
//                              # SHARP, Quantum/Quantum-2 switches)
//     # torus (chips wired directly, wrap-around in every dimension):
//     dims: [16, 16, 16]       # 2 or 3 dimensions; product = devices. Optional when the preset gives a
//     shape:
//                              # then a new `devices` is reshaped as cubically as possible (1024 -> 8x8x16)
//     cube: 4                  # optional: every dimension a multiple of this (TPUv4 slices are 4x4x4 cubes)
//     chips_per_host: 4        # chips per host (node_of), default 4
//     wraparound: true         # optional, default true: false, or one flag per dimension ([true, false])
//     # dragonfly (minimal routing; groups of routers all-to-all, one global link per group pair):
//     routers_per_group: 8
//     nics_per_router: 4       # server NICs attached to each router
//     global_links_per_router: 4
//     global_bandwidth: 400 Gb/s   # one direction
//     global_latency: 1 us     # optional, default 1 us
//   collectives:               # optional: how the collective library (NCCL; XLA on TPUs) runs here
//     nvls: true               # use NVLink SHARP where node.nvls (default true, NCCL_NVLS_ENABLE)
//     sharp: false             # use in-network reduction where fabric.sharp (default false, as
//                              # NCCL_COLLNET_ENABLE=0)
//     launch_latency: 8.4 us   # calibration: fixed cost of one collective (scales NCCL's base latencies)
//     calibration:             # pin each hop class to your own nccl-tests results (see README)
//       nvlink:  {bandwidth: 370 GB/s, latency: 3.4 us}  # achievable per link one direction; per-hop
//       network: {bandwidth: 48 GB/s, latency: 14 us}    # latency of a pipelined step (Simple protocol)
//                              # classes: nvlink, pcie, network (NICs and switch links), ici (torus)
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "workloads/yaml_reader.h"

namespace moesim::topologies {

struct AcceleratorSpec;

/// How the accelerators inside one server talk to each other.
enum class NodeFabric { kNvSwitch, kNvLinkMesh, kPcie };
/// What connects the servers (or, for a torus, the chips).
enum class FabricType { kNone, kFatTree, kTorus, kDragonfly };

/// What the NICs speak: InfiniBand or RDMA over Converged Ethernet (RoCEv2).
enum class NicKind { kInfiniBand, kRoce };

/// One server of a switched cluster (DGX A100 / H100: 8 GPUs on NVSwitch, 8 NICs).
struct NodeSpec {
  int gpus = 1;
  NodeFabric fabric = NodeFabric::kNvSwitch;
  double link_bandwidth_Bps = 0;  ///< scale-up link, one direction (see the YAML comment above)
  double link_latency_s = 1e-6;
  int nics = 1;
  double nic_bandwidth_Bps = 0;
  double nic_latency_s = 1e-6;
  double pcie_bandwidth_Bps = 0;  ///< 0 = not given
  double pcie_latency_s = 1e-6;
  NicKind nic_kind = NicKind::kInfiniBand;
  /// The NVSwitches can reduce and multicast (NVLink SHARP: third-generation NVSwitch of HGX/DGX H100).
  bool nvls = false;
};

/// Fat-tree between servers (Leiserson 1985; the folded-Clos of Al-Fares et al. 2008), optionally
/// rail-optimised as in the NVIDIA DGX SuperPOD reference architectures.
struct FatTreeSpec {
  int levels = 2;
  int radix = 0;
  double oversubscription = 1;
  bool rail_optimized = false;
  double link_bandwidth_Bps = 0;
  double link_latency_s = 1e-6;
  /// The switches can reduce in the network (InfiniBand SHARP, NVIDIA Quantum HDR / Quantum-2 NDR).
  bool sharp = false;
};

/// Torus of chips with wrap-around links (TPUv3: 2D, TPUv4: 3D built from 4x4x4 cubes).
struct TorusSpec {
  std::vector<int> dims;
  int cube = 1;
  int chips_per_host = 4;
  double link_bandwidth_Bps = 0;
  double link_latency_s = 1e-6;
  /// Per dimension: wrap-around cable present (empty = every dimension). TPU v4/v5p slices wrap only along
  /// axes that are multiples of 4, v5e/v6e only along a full 16-chip axis (scaling book tpus.md; TPU v4
  /// docs "2A=B=C or 2A=2B=C"); without it a ring along that axis is a line and takes twice as long.
  std::vector<bool> wraparound;
};

/// Dragonfly (Kim, Dally, Scott, Abts, ISCA 2008): groups of all-to-all routers, one global link per pair
/// of groups, minimal routing.
struct DragonflySpec {
  int routers_per_group = 0;
  int nics_per_router = 0;
  int global_links_per_router = 0;
  double local_bandwidth_Bps = 0;
  double local_latency_s = 1e-6;
  double global_bandwidth_Bps = 0;
  double global_latency_s = 1e-6;
};

/// A user's measurement of one hop class (`cluster.collectives.calibration.<class>`).
struct HopCalibration {
  std::optional<double> bandwidth_Bps;  ///< achievable bandwidth of one link, one direction
  std::optional<double> latency_s;      ///< latency of one pipelined step over such a hop (Simple protocol)
};

/// How the collective library runs on this cluster, and measurements that pin its cost model.
struct CollectiveSettings {
  bool nvls = true;    ///< use NVLink SHARP where the nodes have it (NCCL_NVLS_ENABLE, default on)
  bool sharp = false;  ///< use in-network reduction where the fabric has it (NCCL_COLLNET_ENABLE, off)
  std::optional<double> launch_latency_s;             ///< fixed cost of one collective
  std::map<std::string, HopCalibration> calibration;  ///< by hop class: nvlink, pcie, network, ici
};

/// What a cluster draws besides its accelerators, watts; zero = no figure. Sources per preset in
/// cluster_presets.cpp; the scenario's `energy:` section can override every field.
struct ClusterPowerSpec {
  double host_w_per_node = 0;  ///< a server less its accelerators, scale-out NICs and in-node switches: CPUs,
                               ///< DRAM, storage, DPUs, fans, BMC, power-supply losses
  double nic_w_per_port = 0;   ///< one scale-out NIC port with its transceiver
  double node_switch_w = 0;    ///< the scale-up switch chips of one server together (NVSwitches)
  double pcie_switch_w = 0;    ///< one PCIe switch (PCIe servers, GPUs sharing a NIC)
  double fabric_switch_w = 0;  ///< one fabric switch (leaf, spine, core, router) without port transceivers
  double switch_port_w = 0;    ///< the transceiver of one cabled fabric-switch port
  std::string basis;           ///< one line: where the figures come from
};

/// A whole cluster as the scenario describes it. Built by parse_cluster() or from a preset
/// (cluster_presets.h); turned into a graph by make_topology() (topology_factory.h).
struct ClusterSpec {
  std::string name = "custom";  ///< preset name, or "custom"
  std::string description;
  std::string accelerator;  ///< accelerator preset name (accelerator.h), or the custom one's name
  /// The scenario's own accelerator (`cluster.accelerator: {name, peak_flops, ...}`); null = a preset.
  std::shared_ptr<const AcceleratorSpec> custom_accelerator;
  int devices = 0;
  NodeSpec node;
  FabricType fabric = FabricType::kNone;
  FatTreeSpec fat_tree;
  TorusSpec torus;
  DragonflySpec dragonfly;
  CollectiveSettings collectives;
  ClusterPowerSpec power{};

  int device_count() const { return devices; }
  /// Servers: devices / node.gpus for switched fabrics, devices / chips_per_host for a torus.
  int node_count() const;
};

/// Receives (key relative to `cluster`, e.g. "fabric.radix"; what was expected) and must throw.
using ClusterErrorSink = std::function<void(const std::string& key, const std::string& expected)>;

/// Checks a spec for consistency (bandwidths > 0, devices a multiple of gpus, nics dividing gpus, radix large
/// enough, torus dims multiplying to devices, dragonfly large enough). Calls `fail` for the first problem.
void validate_cluster(const ClusterSpec& spec, const ClusterErrorSink& fail);
/// Same, throwing ConfigError (no file) with key "cluster.<key>".
void validate_cluster(const ClusterSpec& spec);

/// Parses the scenario's `cluster` mapping strictly (see the key list at the top of this file). Throws
/// ConfigError naming the file, line and key for unknown keys, bad values and inconsistent fabrics.
ClusterSpec parse_cluster(const moesim::YamlMap& cluster);

/// Torus shape with `ndims` dimensions, each a multiple of `cube`, product `devices`, as cubic as possible,
/// ascending (1024 chips, 3 dims, cube 4 -> 8x8x16). Empty when impossible.
std::vector<int> torus_shape(int devices, int ndims, int cube);

/// The hop classes this cluster has, i.e. the names `collectives.calibration` accepts: nvlink (NVSwitch or
/// NVLink mesh servers), pcie (PCIe servers, or GPUs sharing a NIC), network (any fabric between servers),
/// ici (a torus).
std::vector<std::string> hop_classes(const ClusterSpec& spec);

std::string to_string(NodeFabric fabric);
std::string to_string(FabricType fabric);

}  // namespace moesim::topologies
