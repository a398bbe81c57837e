// In-network reductions: NVLink SHARP inside NVSwitch nodes (NCCL NVLS, NVLS Tree) and InfiniBand SHARP
// across nodes (NCCL CollNet).
#include <algorithm>

#include "sim/collectives/builders.h"

namespace moesim::collectives::detail {
namespace {

/// NCCL's NVLS bus bandwidth inside a node of `ppn` GPUs (tuning.cc): nChannels x bwIntra x
/// nvlsEfficiency x (nCh-1)/nCh, x2 for all-reduce (it pipelines the reduce and the multicast), x (ppn-1)/ppn
/// for reduce-scatter and all-gather; channels and bwIntra from the NVLS graph (library_model.h).
double nvls_bus_Bps(const LibraryModel& lib, CollectiveOp op, int ppn) {
  const int ch = lib.nvls_channels(ppn);
  double bw = lib.nvls_channel_Bps(ppn) * lib.nvls_efficiency() * (ch - 1) / ch;
  bw *= op == CollectiveOp::kAllReduce ? 2.0 : (ppn - 1.0) / ppn;
  return ch * bw;
}

/// The NVSwitch multimem traffic of one node as device-to-device transfers with the same per-GPU link
/// loads. All-reduce: multimem.ld_reduce makes the switch read every GPU's slice of every shard (S up per
/// GPU) and return the reduced shard (S/G down); multimem.st sends the shard up once (S/G) and the switch
/// writes it to all G GPUs (S down): S(G+1)/G each way = an exchange of S(G+1)/(G(G-1)) per ordered pair.
/// Reduce-scatter and all-gather: one of the two halves, S each way on the busy direction.
void add_nvswitch_exchange(network::Phase& phase, const std::vector<int>& node, CollectiveOp op, double S) {
  const int G = static_cast<int>(node.size());
  if (G < 2) return;
  const double pair =
      op == CollectiveOp::kAllReduce ? S * (G + 1) / (static_cast<double>(G) * (G - 1)) : S / (G - 1);
  for (int i = 0; i < G; ++i)
    for (int j = 0; j < G; ++j)
      if (i != j) phase.transfers.push_back({node[i], node[j], pair});
}

/// The NIC loads of an in-network reduction of one shard per rail: every GPU sends its shard once and
/// receives the result once. Modelled as a shift by one node on each rail (node m -> m+1), which gives
/// each NIC exactly that and, like a SHARP aggregation tree, puts one shard on the switch links where
/// consecutive nodes sit on different leaves.
void add_in_network_reduction(network::Phase& phase, const GroupLayout& L, double shard) {
  for (int j = 0; j < L.per_node; ++j)
    for (int m = 0; m < L.nodes; ++m)
      phase.transfers.push_back({L.members[m][j], L.members[(m + 1) % L.nodes][j], shard});
}

}  // namespace

network::Schedule nvls(const Build& b) {
  const auto& L = b.layout;
  const auto& lib = b.library;
  network::Schedule s;
  s.name = std::string(op_name(b.request.op)) + "/nvls/simple";
  const double S = b.request.bytes;
  if (L.n < 2 || S <= 0) return s;
  // Latency: NVLS base 0 + hwLat[NVLINK][NVLS][Simple] (25 us).
  s.launch_s = lib.hop_latency_s(NcclPath::kNvLink, NcclAlgo::kNvls, Protocol::kSimple);
  network::Phase phase;
  phase.efficiency = lib.nvls_efficiency();
  // Bus bytes over NCCL's NVLS bus bandwidth (all-reduce converts with n/nsteps; NVLS reduce-scatter and
  // all-gather use it as algorithm bandwidth).
  const double bus = b.request.op == CollectiveOp::kAllReduce ? S * 2.0 * (L.n - 1) / L.n : S;
  phase.min_time_s = bus / nvls_bus_Bps(lib, b.request.op, L.n);
  if (b.with_transfers) add_nvswitch_exchange(phase, L.members[0], b.request.op, S);
  s.phases.push_back(std::move(phase));
  return s;
}

network::Schedule nvls_tree(const Build& b) {
  // NCCL NVLS Tree: NVLS reduce-scatter inside each node, a double binary tree per rail across nodes on
  // each GPU's shard S/G, NVLS all-gather; pipelined, one phase. NCCL's bandwidth (tuning.cc): per channel
  // min(NVLS intra, bwInter (x2 on 2 nodes), perChMaxNVLSTreeBw), the network part here from the links.
  // Latency: hwLat[NVLINK][NVLSTree] + 2 log2(nodes) hwLat[NET][NVLSTree].
  const auto& L = b.layout;
  const auto& lib = b.library;
  network::Schedule s;
  s.name = "all-reduce/nvls-tree/simple";
  const double S = b.request.bytes;
  if (L.n < 2 || S <= 0) return s;
  const int G = L.per_node, M = L.nodes;
  s.launch_s = lib.hop_latency_s(NcclPath::kNvLink, NcclAlgo::kNvlsTree, Protocol::kSimple) +
               2 * log2i(M) * lib.hop_latency_s(NcclPath::kNet, NcclAlgo::kNvlsTree, Protocol::kSimple);
  const int ch = lib.nvls_channels(G);
  const double per_channel =
      std::min(nvls_bus_Bps(lib, CollectiveOp::kAllReduce, G) / ch, lib.per_channel_nvls_tree_Bps(M));
  network::Phase phase;
  phase.min_time_s = S * 2.0 * (L.n - 1) / L.n / (ch * per_channel);
  if (b.with_transfers) {
    for (const auto& node : L.members) add_nvswitch_exchange(phase, node, CollectiveOp::kAllReduce, S);
    const auto parent = double_tree_parents(M);
    const double half = S / G / 2;
    for (int j = 0; j < G; ++j)
      for (int t = 0; t < 2; ++t)
        for (int m = 0; m < M; ++m)
          if (parent[t][m] >= 0) {
            const int child = L.members[m][j], up = L.members[parent[t][m]][j];
            phase.transfers.push_back({child, up, half});
            phase.transfers.push_back({up, child, half});
          }
  }
  s.phases.push_back(std::move(phase));
  return s;
}

network::Schedule sharp(const Build& b) {
  // NCCL CollNet with an IB SHARP plugin: the switches reduce each rail's shard. With NVLink SHARP in the
  // node (Hopper) NCCL runs its NVLS algorithm across nodes on CollNet: NVLS inside, SHARP between
  // (latency hwLat[NVLINK][NVLS] + hwLat[NET][NVLS], bandwidth capped by the NVLS bus bandwidth). Otherwise
  // CollNet Direct: reduce-scatter and all-gather by direct NVLink copies, SHARP between (latency
  // 2(min(1, ppn-1) intraLat + 0.4 us (ppn-1)) + interLat; x0.85 on sm90+).
  const auto& L = b.layout;
  const auto& lib = b.library;
  network::Schedule s;
  const double S = b.request.bytes;
  const int G = L.per_node;
  s.name = "all-reduce/sharp/simple";
  if (L.n < 2 || S <= 0) return s;
  network::Phase phase;
  const bool with_nvls = lib.nvls && G >= 2;
  if (with_nvls) {
    s.launch_s = lib.hop_latency_s(NcclPath::kNvLink, NcclAlgo::kNvls, Protocol::kSimple) +
                 lib.hop_latency_s(NcclPath::kNet, NcclAlgo::kNvls, Protocol::kSimple);
    phase.min_time_s = S * 2.0 * (L.n - 1) / L.n / nvls_bus_Bps(lib, CollectiveOp::kAllReduce, G);
  } else {
    s.launch_s = 2 * (std::min(1, G - 1) *
                          lib.hop_latency_s(NcclPath::kNvLink, NcclAlgo::kCollNetDirect, Protocol::kSimple) +
                      (G - 1) * 0.4e-6 * lib.base_scale) +
                 lib.hop_latency_s(NcclPath::kNet, NcclAlgo::kCollNetDirect, Protocol::kSimple);
    if (lib.generation >= Generation::kHopper) phase.efficiency = 0.85;
  }
  if (b.with_transfers) {
    for (const auto& node : L.members) {
      if (with_nvls) {
        add_nvswitch_exchange(phase, node, CollectiveOp::kAllReduce, S);
      } else {  // direct reduce-scatter and all-gather: S/G to and from every node-mate
        for (int i = 0; i < G; ++i)
          for (int j = 0; j < G; ++j)
            if (i != j) phase.transfers.push_back({node[i], node[j], 2 * S / G});
      }
    }
    add_in_network_reduction(phase, L, S / G);
  }
  s.phases.push_back(std::move(phase));
  return s;
}

}  // namespace moesim::collectives::detail
