// moesim — the fixed costs and protocol limits of the collective library: NCCL on GPUs, XLA's ICI
// collectives on TPUs.
#pragma once

#include <string_view>

#include "sim/network/link_model.h"
#include "topologies/topology.h"

namespace moesim::collectives {

/// NCCL's protocols (src/device/prims_*.h): LL (8-byte flags with 8 data bytes, lowest latency), LL128
/// (128-byte lines, 120 of data), Simple (bulk copies with fences, full bandwidth).
enum class Protocol { kLL, kLL128, kSimple };
std::string_view protocol_name(Protocol p);

/// NCCL's algorithm ids in its tuning tables (src/include/plugin/nccl_tuner.h order).
enum class NcclAlgo { kTree, kRing, kCollNetDirect, kCollNetChain, kNvls, kNvlsTree, kPat };
/// NCCL's hardware path classes for per-hop latency (NCCL_HW_NVLINK, NCCL_HW_PCI, NCCL_HW_NET).
enum class NcclPath { kNvLink, kPcie, kNet };
/// Compute-capability classes of NCCL's tables.
enum class Generation { kVolta, kAmpere, kHopper, kBlackwell };

/// Which library runs the collectives.
enum class Library { kNccl, kIci };

/// The constants one cluster's collectives are priced with. NCCL's come from its own cost model
/// (NVIDIA/nccl src/graph/tuning.cc @5067397, the tables ncclTopoTuneModel fills and ncclTopoGetAlgoTime
/// reads, and src/graph/search.cc for channel counts), scaled by the cluster's calibration; the ICI ones
/// from the scaling book (jax-ml/scaling-book tpus.md, sharding.md). Everything in seconds and bytes/s.
struct LibraryModel {
  Library library = Library::kNccl;
  Generation generation = Generation::kHopper;
  bool amd_host = false;     ///< host CPU vendor (NCCL's LL caps and network post overhead depend on it)
  bool nvls = false;         ///< NVLink SHARP available and enabled
  bool sharp = false;        ///< in-network reduction available and enabled
  bool nvlink_intra = true;  ///< GPUs of a server talk over NVLink (else PCIe)
  bool pxn = false;          ///< NCCL forwards inter-node p2p through the GPU on the destination's rail
  double base_scale = 1;     ///< calibration: launch latency / NCCL's Ring-Simple base latency
  double hop_scale[3] = {1, 1, 1};  ///< calibration per NcclPath: latency / NCCL's Ring-Simple hop latency
  double nvlink_Bps = 0;            ///< achievable NVLink bandwidth per GPU, one direction
  double nic_Bps = 0;               ///< achievable bandwidth of one NIC, one direction
  double nic_message_rate = 0;      ///< messages per second one NIC can issue
  double ici_hop_s = 1e-6;          ///< ICI: latency per hop
  double ici_launch_s = 2.4e-6;     ///< ICI: fixed cost of one collective

  /// Derives the model from the topology's cluster description (accelerator, node fabric, NICs,
  /// NVLS/SHARP capabilities and settings, calibration) and its achievable link bandwidths. Without a
  /// cluster description: NCCL Hopper constants, NVLink inside a server, bandwidths from `links`.
  static LibraryModel of(const topologies::Topology& topology, const network::LinkModel& links);

  // ---- NCCL tables (tuning.cc), calibrated ----
  double base_latency_s(NcclAlgo a, Protocol p) const;
  double hop_latency_s(NcclPath path, NcclAlgo a, Protocol p) const;
  /// Network post overhead per step (getNetOverhead): 1 us Intel, 2 us AMD, x3 for Simple.
  double net_overhead_s(Protocol p) const;
  /// Single-node or CPU-bound LL bandwidth cap of a whole collective (llMaxBws), bytes/s.
  double ll_max_Bps(int nodes) const;
  double per_channel_ring_ll128_Bps(int nodes) const;
  double per_channel_tree_Bps(int nodes) const;
  double per_channel_tree_ll128_Bps(int nodes) const;
  double per_channel_nvls_tree_Bps(int nodes) const;
  double nvls_efficiency() const;  ///< nvlsEfficiency: Hopper 0.85, Blackwell 0.74
  /// treeCorrectionFactor for an all-reduce of `bytes` (1 outside 64 B .. 256 MiB).
  double tree_correction(Protocol p, double bytes) const;

  /// Ring/tree channels NCCL's graph search finds (search.cc: the fastest per-channel speed of its table
  /// that fits, one channel per NIC across nodes, then ncclTopoDupChannels), and the per-channel speed.
  int ring_channels(int nodes, int nics_per_node) const;
  /// NVLS graph: min(32, gpus) channels at the fastest table speed whose sum fits the NVLink bandwidth.
  int nvls_channels(int gpus) const;
  double nvls_channel_Bps(int gpus) const;

  /// NCCL send/recv efficiency relative to the links' ring bandwidth, over NVLink and over the network
  /// (measured: see library_model.cpp).
  double p2p_efficiency(bool crosses_network) const;
  /// Extra cost of each peer a rank sends to in a grouped send/recv (per-peer work and proxy posts).
  double p2p_peer_s(bool crosses_network) const;
};

}  // namespace moesim::collectives
