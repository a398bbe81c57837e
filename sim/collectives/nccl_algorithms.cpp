// NCCL's ring, tree and PAT, and the 2D hierarchical all-reduce, as schedules with NCCL's cost terms.
#include <algorithm>
#include <cmath>

#include "sim/collectives/builders.h"

namespace moesim::collectives::detail {
namespace {

NcclPath intra_path(const LibraryModel& lib) {
  return lib.nvlink_intra ? NcclPath::kNvLink : NcclPath::kPcie;
}

/// NCCL's ring latency (tuning.cc): base + (nsteps - nInter) x intraLat + nInter x interLat, where
/// intraLat is at least the network post overhead on multi-node rings and nInter counts the steps that
/// cross nodes (2(nodes-1) for all-reduce). Multi-node Simple all-reduce pays the "plateau" factor 1.4
/// (1.9 before sm80) once each rank's per-channel slice reaches 64 bytes (ncclTopoGetAlgoTime).
double ring_latency_s(const Build& b, int channels) {
  const auto& lib = b.library;
  const auto& L = b.layout;
  const Protocol p = b.protocol;
  if (lib.library == Library::kIci) {
    const int steps = ring_steps(b.request.op, L.n);
    return lib.ici_launch_s + steps * lib.ici_hop_s;
  }
  const int nsteps = ring_steps(b.request.op, L.n);
  double lat = lib.base_latency_s(NcclAlgo::kRing, p);
  double intra = lib.hop_latency_s(intra_path(lib), NcclAlgo::kRing, p);
  const int nodes = L.nodes;
  if (nodes > 1) intra = std::max(intra, lib.net_overhead_s(p));
  const double ppn = static_cast<double>(L.n) / nodes;
  const double inter = lib.hop_latency_s(NcclPath::kNet, ppn == 1 ? NcclAlgo::kTree : NcclAlgo::kRing, p);
  const int inter_steps = nodes == 1                                 ? 0
                          : b.request.op == CollectiveOp::kAllReduce ? 2 * (nodes - 1)
                                                                     : nodes - 1;
  lat += (nsteps - inter_steps) * intra + inter_steps * inter;
  if (p == Protocol::kSimple && nodes > 1 && b.request.op == CollectiveOp::kAllReduce &&
      b.request.bytes / (channels * static_cast<double>(L.n)) >= 64) {
    lat *= lib.generation >= Generation::kAmpere ? 1.4 : 1.9;
  }
  return lat;
}

/// The rings of every channel: across nodes one channel per rail, each node's members rotated so that
/// channel c leaves every node through a different NIC (NCCL's graph search gives each channel its own
/// NIC, src/graph/search.cc); inside one node, or for uneven groups, one ring in group order.
std::vector<std::vector<int>> channel_rings(const GroupLayout& L, const std::vector<int>& group) {
  if (L.nodes == 1 || !L.uniform) return {group};
  std::vector<std::vector<int>> rings;
  const int G = L.per_node, C = L.rails;
  for (int c = 0; c < C; ++c) {
    const int off = c * G / C;
    std::vector<int> ring;
    for (const auto& node : L.members)
      for (int q = 0; q < G; ++q) ring.push_back(node[(off + q) % G]);
    rings.push_back(std::move(ring));
  }
  return rings;
}

void add_ring_transfers(network::Phase& phase, const std::vector<int>& ring, double bytes) {
  const std::size_t n = ring.size();
  if (n < 2) return;
  for (std::size_t i = 0; i < n; ++i) phase.transfers.push_back({ring[i], ring[(i + 1) % n], bytes});
}

/// Ring protocol terms: efficiency and the per-step floor from NCCL's LL / LL128 caps.
void set_ring_protocol(network::Phase& phase, const Build& b, int channels, double step_bytes) {
  const auto& lib = b.library;
  switch (b.protocol) {
    case Protocol::kLL:  // busBw = min(llMaxBw, 0.5 busBw)
      phase.efficiency = 0.5;
      phase.min_time_s = step_bytes / lib.ll_max_Bps(b.layout.nodes);
      break;
    case Protocol::kLL128:  // busBw = min(0.92 busBw, nChannels x perChMaxRingLL128Bw)
      phase.efficiency = 0.92;
      phase.min_time_s = step_bytes / (channels * lib.per_channel_ring_ll128_Bps(b.layout.nodes));
      break;
    case Protocol::kSimple:
      break;
  }
}

/// The tree's transfers: every edge of both trees carries its share up (reduce) and down (broadcast).
/// Uneven groups: a double binary tree over the ranks. Otherwise per channel (rail) and tree: each node's
/// chain from its head (the member on the channel's NIC), and the heads' double binary tree across nodes.
void add_tree_transfers(network::Phase& phase, const Build& b) {
  const auto& L = b.layout;
  const double S = b.request.bytes;
  auto edge = [&](int child, int parent, double bytes) {
    phase.transfers.push_back({child, parent, bytes});  // reduce
    phase.transfers.push_back({parent, child, bytes});  // broadcast
  };
  if (!L.uniform) {
    const auto parent = double_tree_parents(L.n);
    for (int t = 0; t < 2; ++t)
      for (int r = 0; r < L.n; ++r)
        if (parent[t][r] >= 0) edge(b.request.group[r], b.request.group[parent[t][r]], S / 2);
    return;
  }
  const int nodes = L.nodes, G = L.per_node, C = L.rails;
  const auto parent = double_tree_parents(nodes);
  const double bytes = S / (2.0 * C);
  for (int c = 0; c < C; ++c) {
    const int off = c * G / C;
    for (int t = 0; t < 2; ++t) {
      for (int m = 0; m < nodes; ++m) {
        const auto& node = L.members[m];
        // Across nodes both trees run the same chain (added once at twice the bytes); in one node the
        // second runs it backwards.
        if (nodes == 1 || t == 0) {
          const int dir = (nodes == 1 && t == 1) ? -1 : 1;
          const double chain = nodes == 1 ? bytes : 2 * bytes;
          for (int q = 0; q + 1 < G; ++q)
            edge(node[(off + G + dir * (q + 1)) % G], node[(off + G + dir * q) % G], chain);
        }
        if (parent[t][m] >= 0) edge(node[off], L.members[parent[t][m]][off], bytes);
      }
    }
  }
}

}  // namespace

network::Schedule ring(const Build& b) {
  const auto& L = b.layout;
  network::Schedule s;
  s.name = std::string(op_name(b.request.op)) + "/ring/" + std::string(protocol_name(b.protocol));
  if (L.n < 2 || b.request.bytes <= 0) return s;
  const int channels = b.library.ring_channels(L.nodes, L.rails);
  s.launch_s = ring_latency_s(b, channels);
  const double step_bytes = b.request.bytes / L.n;  // one slice per rank per step, over all channels
  network::Phase phase;
  phase.repeat = ring_steps(b.request.op, L.n);
  set_ring_protocol(phase, b, channels, step_bytes);
  if (b.with_transfers) {
    const auto rings = channel_rings(L, b.request.group);
    for (const auto& r : rings) add_ring_transfers(phase, r, step_bytes / static_cast<double>(rings.size()));
  }
  s.phases.push_back(std::move(phase));
  return s;
}

network::Schedule pat(const Build& b) {
  // PAT (NCCL 2.23+): log-depth reduce-scatter / all-gather for one GPU per node. Every rank still sends
  // (n-1)/n of the buffer, so the links carry a ring's bytes; NCCL models it at 0.75 of the ring's bus
  // bandwidth and a latency of log2(nodes) x interLat / 3.5 + 2.8 us x nRanks (tuning.cc).
  const auto& L = b.layout;
  const auto& lib = b.library;
  network::Schedule s;
  s.name = std::string(op_name(b.request.op)) + "/pat/simple";
  if (L.n < 2 || b.request.bytes <= 0) return s;
  const double inter = lib.hop_latency_s(NcclPath::kNet, NcclAlgo::kTree, Protocol::kSimple);
  s.launch_s = lib.base_latency_s(NcclAlgo::kPat, Protocol::kSimple) + log2i(L.nodes) * inter / 3.5 +
               L.n * 2.8e-6 * lib.base_scale;
  network::Phase phase;
  phase.repeat = ring_steps(b.request.op, L.n);
  phase.efficiency = 0.75;
  if (b.with_transfers) add_ring_transfers(phase, b.request.group, b.request.bytes / L.n);
  s.phases.push_back(std::move(phase));
  return s;
}

network::Schedule tree(const Build& b) {
  // NCCL's tree all-reduce: inside a node a chain, across nodes a double binary tree (src/graph/trees.cc),
  // both pipelined, so every link of both trees carries its share at once: one phase. Channels come in
  // pairs per NIC, one per tree, so a node that is interior in one tree is a leaf in the other and every
  // NIC sends and receives about twice the buffer over its channels. Latency (tuning.cc): base +
  // 2((ppn-1) intraLat + log2(nodes) interLat); bandwidth x0.92 (x1/3.8 LL, x7/9 or 120/128 LL128), capped
  // per channel and corrected by NCCL's treeCorrectionFactor for medium sizes.
  const auto& L = b.layout;
  const auto& lib = b.library;
  const Protocol p = b.protocol;
  network::Schedule s;
  s.name = std::string("all-reduce/tree/").append(protocol_name(p));
  const double S = b.request.bytes;
  if (L.n < 2 || S <= 0) return s;
  const int nodes = L.nodes;
  const int ppn = L.n / nodes;
  const double intra = lib.hop_latency_s(intra_path(lib), NcclAlgo::kTree, p);
  const double inter = lib.hop_latency_s(NcclPath::kNet, NcclAlgo::kTree, p);
  s.launch_s = lib.base_latency_s(NcclAlgo::kTree, p) + 2 * ((ppn - 1) * intra + log2i(nodes) * inter);
  const int channels = lib.ring_channels(nodes, L.rails);
  const double corr = lib.tree_correction(p, S);
  network::Phase phase;
  double cap_Bps = 0;
  switch (p) {
    case Protocol::kSimple:
      phase.efficiency = 0.92 * corr;
      cap_Bps = channels * lib.per_channel_tree_Bps(nodes);
      break;
    case Protocol::kLL:
      phase.efficiency = corr / 3.8;
      cap_Bps = lib.ll_max_Bps(nodes);
      break;
    case Protocol::kLL128:
      phase.efficiency = corr * (nodes == 1 ? 7.0 / 9.0 : 120.0 / 128.0);
      cap_Bps = channels * lib.per_channel_tree_ll128_Bps(nodes);
      break;
  }
  phase.min_time_s = S / (0.5 * cap_Bps * corr);  // algorithm bandwidth = bus bandwidth x 0.5
  if (b.with_transfers) add_tree_transfers(phase, b);
  s.phases.push_back(std::move(phase));
  return s;
}

network::Schedule hierarchical_2d(const Build& b) {
  // Horovod / BlueConnect 2D all-reduce: ring reduce-scatter inside every node (G-1 steps of S/G), ring
  // all-reduce of each 1/G shard among the same-local-rank GPUs of all nodes (2(M-1) steps of S/(G M), one
  // rail each), ring all-gather inside every node. Not an NCCL algorithm (NCCL's rings already cross each
  // node once per channel); it is what frameworks build from NCCL communicators per level, so each level
  // pays NCCL's ring latencies for its own size.
  const auto& L = b.layout;
  const auto& lib = b.library;
  const Protocol p = b.protocol;
  network::Schedule s;
  s.name = std::string("all-reduce/hierarchical-2d/").append(protocol_name(p));
  const double S = b.request.bytes;
  if (L.n < 2 || S <= 0) return s;
  const int G = L.per_node, M = L.nodes;
  const double intra = lib.hop_latency_s(intra_path(lib), NcclAlgo::kRing, p);
  const double inter = lib.hop_latency_s(NcclPath::kNet, NcclAlgo::kTree, p);  // one GPU per node per ring
  s.launch_s = 3 * lib.base_latency_s(NcclAlgo::kRing, p) + 2 * (G - 1) * intra + 2 * (M - 1) * inter;
  const int channels = lib.ring_channels(M, 1);
  network::Phase rs, ar, ag;
  rs.repeat = ag.repeat = G - 1;
  ar.repeat = 2 * (M - 1);
  set_ring_protocol(rs, b, channels, S / G);
  set_ring_protocol(ar, b, channels, S / (static_cast<double>(G) * M));
  set_ring_protocol(ag, b, channels, S / G);
  if (b.with_transfers) {
    for (const auto& node : L.members) add_ring_transfers(rs, node, S / G);
    for (int j = 0; j < G; ++j) {
      std::vector<int> rail;
      for (int m = 0; m < M; ++m) rail.push_back(L.members[m][j]);
      add_ring_transfers(ar, rail, S / (static_cast<double>(G) * M));
    }
    ag.transfers = rs.transfers;
  }
  s.phases = {std::move(rs), std::move(ar), std::move(ag)};
  return s;
}

}  // namespace moesim::collectives::detail
