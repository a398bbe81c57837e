// All-to-all algorithms over uneven per-pair byte matrices.
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "sim/collectives/builders.h"

namespace moesim::collectives::detail {
namespace {

/// NCCL splits a network p2p transfer into chunks of NCCL_P2P_NET_CHUNKSIZE = 128 KiB (NCCL docs
/// "Environment Variables"); each chunk is one RDMA write, i.e. one message for the NIC's message rate.
constexpr double kNetChunk_bytes = 128.0 * 1024;

/// The matrix of the request, or the nccl-tests uniform one (bytes / n to every rank).
const ByteMatrix& matrix_of(const Build& b, ByteMatrix& storage) {
  if (b.request.matrix != nullptr) return *b.request.matrix;
  storage = uniform_all_to_all(b.layout.n, b.request.bytes);
  return storage;
}

/// Largest number of intra-node and inter-node peers of any rank (every rank posts a send and a receive
/// to every peer, also empty ones: PyTorch's all_to_all_single and nccl-tests both do).
std::pair<int, int> peers_of(const GroupLayout& L) {
  if (!L.uniform) {
    int most = 0;
    for (const auto& m : L.members) most = std::max(most, static_cast<int>(m.size()));
    return {most - 1, L.n - most};
  }
  return {L.per_node - 1, L.n - L.per_node};
}

/// Inter-node legs keyed by (sender device, receiver device), summed.
using LegMap = std::unordered_map<std::uint64_t, double>;
std::uint64_t key(int a, int b) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a)) << 32) | static_cast<std::uint32_t>(b);
}

/// Adds the transfers of `pairs` (group ranks i -> j, bytes) to `phase`: same node directly; across nodes
/// through PXN when the library has it — over NVLink to the group member on the sender's node that sits
/// on the receiver's rail, then over that member's NIC (NCCL >= 2.12, NCCL_PXN_DISABLE=0: traffic stays on
/// the destination's rail and messages to one NIC are aggregated; NVIDIA blog "Doubling all2all
/// performance with NCCL 2.12"). Legs are summed per device pair. Returns the largest number of network
/// messages (128 KiB chunks) any device sends.
template <typename ForEachPair>
double add_legs(network::Phase& phase, const Build& b, ForEachPair&& for_each_pair) {
  const auto& L = b.layout;
  const auto& g = b.request.group;
  // proxy[m][rail]: the member of node m on that rail (-1 if none).
  std::vector<std::unordered_map<int, int>> proxy(static_cast<std::size_t>(L.nodes));
  for (int m = 0; m < L.nodes; ++m)
    for (int d : L.members[m]) proxy[m].emplace(rail_of(d, b.topology), d);
  LegMap legs;
  for_each_pair([&](int i, int j, double bytes) {
    if (i == j || bytes <= 0) return;
    const int src = g[i], dst = g[j];
    if (L.node_index[i] == L.node_index[j] || !b.library.pxn) {
      legs[key(src, dst)] += bytes;
      return;
    }
    const auto it = proxy[L.node_index[i]].find(rail_of(dst, b.topology));
    const int via = it == proxy[L.node_index[i]].end() ? src : it->second;
    if (via != src) legs[key(src, via)] += bytes;
    legs[key(via, dst)] += bytes;
  });
  std::unordered_map<int, double> messages;
  for (const auto& [k, bytes] : legs) {
    const int src = static_cast<int>(k >> 32), dst = static_cast<int>(k & 0xffffffffu);
    if (b.with_transfers) phase.transfers.push_back({src, dst, bytes});
    if (b.topology.node_of(src) != b.topology.node_of(dst))
      messages[src] += std::ceil(bytes / kNetChunk_bytes);
  }
  double most = 0;
  for (const auto& [d, m] : messages) most = std::max(most, m);
  return most;
}

bool crosses_nodes(const GroupLayout& L) {
  return L.nodes > 1;
}

}  // namespace

network::Schedule a2a_direct(const Build& b) {
  // NCCL's all-to-all: one group of send/recv to every peer, all concurrent (src/enqueue.cc
  // scheduleP2pTasksToPlan; peers ordered along node boundaries, src/init.cc ncclP2pSchedule). Fixed cost:
  // launch plus per-peer work; bandwidth: the links at NCCL's send/recv efficiency; floor: the NIC's
  // message rate.
  const auto& L = b.layout;
  const auto& lib = b.library;
  network::Schedule s;
  s.name = "all-to-all/direct";
  if (L.n < 2) return s;
  ByteMatrix storage;
  const ByteMatrix& m = matrix_of(b, storage);
  if (m.total() <= 0) return s;
  const auto [intra_peers, inter_peers] = peers_of(L);
  if (lib.library == Library::kIci) {
    int hops = 0;
    for (int d : b.request.group) hops = std::max(hops, b.topology.hop_count(b.request.group.front(), d));
    s.launch_s = lib.ici_launch_s + hops * lib.ici_hop_s;
  } else {
    s.launch_s = lib.base_latency_s(NcclAlgo::kRing, Protocol::kSimple) +
                 intra_peers * lib.p2p_peer_s(false) + inter_peers * lib.p2p_peer_s(true);
  }
  network::Phase phase;
  phase.efficiency = lib.p2p_efficiency(crosses_nodes(L));
  const double messages = add_legs(phase, b, [&](auto&& add) {
    for (int i = 0; i < L.n; ++i)
      for (int j = 0; j < L.n; ++j) add(i, j, m.at(i, j));
  });
  if (lib.library == Library::kNccl && lib.nic_message_rate > 0)
    phase.min_time_s = messages / lib.nic_message_rate;
  s.phases.push_back(std::move(phase));
  return s;
}

network::Schedule a2a_pairwise(const Build& b) {
  // MPI's pairwise exchange (Thakur, Rabenseifner, Gropp, IJHPCA 2005): n-1 rounds, in round k rank i
  // sends to rank i+k and receives from i-k, each round a synchronised send/recv group whose slowest pair
  // sets its length. Each round pays one pipelined step of the slowest hop class it uses.
  const auto& L = b.layout;
  const auto& lib = b.library;
  network::Schedule s;
  s.name = "all-to-all/pairwise";
  if (L.n < 2) return s;
  ByteMatrix storage;
  const ByteMatrix& m = matrix_of(b, storage);
  if (m.total() <= 0) return s;
  s.launch_s = lib.library == Library::kIci ? lib.ici_launch_s
                                            : lib.base_latency_s(NcclAlgo::kRing, Protocol::kSimple);
  for (int k = 1; k < L.n; ++k) {
    network::Phase phase;
    bool inter = false;
    for (int i = 0; i < L.n; ++i) inter |= L.node_index[i] != L.node_index[(i + k) % L.n];
    phase.efficiency = lib.p2p_efficiency(inter);
    if (lib.library == Library::kIci) {
      phase.overhead_s = b.topology.hop_count(b.request.group[0], b.request.group[k]) * lib.ici_hop_s;
    } else {
      phase.overhead_s = inter ? lib.hop_latency_s(NcclPath::kNet, NcclAlgo::kRing, Protocol::kSimple)
                               : lib.hop_latency_s(lib.nvlink_intra ? NcclPath::kNvLink : NcclPath::kPcie,
                                                   NcclAlgo::kRing, Protocol::kSimple);
    }
    const double messages = add_legs(phase, b, [&](auto&& add) {
      for (int i = 0; i < L.n; ++i) add(i, (i + k) % L.n, m.at(i, (i + k) % L.n));
    });
    if (lib.library == Library::kNccl && lib.nic_message_rate > 0)
      phase.min_time_s = messages / lib.nic_message_rate;
    s.phases.push_back(std::move(phase));
  }
  return s;
}

network::Schedule a2a_hierarchical(const Build& b) {
  // Tutel's 2DH all-to-all (Hwang et al., MLSys 2023 §3.3), as DeepSpeed-MoE's hierarchical one: member
  // (m, i) first sends node-mate (m, j) the tokens bound for local index j on EVERY node; then (m, j)
  // sends (m', j) everything node m has for it: G-1 NVLink peers and M-1 network peers of G x larger
  // messages instead of n-1 peers. The two phases run one after the other (the second is its own
  // send/recv group: it pays a launch).
  const auto& L = b.layout;
  const auto& lib = b.library;
  network::Schedule s;
  s.name = "all-to-all/hierarchical";
  if (L.n < 2) return s;
  ByteMatrix storage;
  const ByteMatrix& mat = matrix_of(b, storage);
  if (mat.total() <= 0) return s;
  const int G = L.per_node, M = L.nodes;
  std::vector<std::vector<int>> rank(static_cast<std::size_t>(M),
                                     std::vector<int>(static_cast<std::size_t>(G)));
  for (int r = 0; r < L.n; ++r) rank[L.node_index[r]][L.local_index[r]] = r;
  const double base = lib.base_latency_s(NcclAlgo::kRing, Protocol::kSimple);
  s.launch_s = base + (G - 1) * lib.p2p_peer_s(false);
  network::Phase intra, inter;
  intra.efficiency = lib.p2p_efficiency(false);
  inter.efficiency = lib.p2p_efficiency(true);
  inter.overhead_s = base + (M - 1) * lib.p2p_peer_s(true);
  const auto& g = b.request.group;
  std::unordered_map<int, double> messages;
  for (int m = 0; m < M; ++m)
    for (int i = 0; i < G; ++i)
      for (int j = 0; j < G; ++j) {
        double bytes = 0;
        for (int m2 = 0; m2 < M; ++m2) bytes += mat.at(rank[m][i], rank[m2][j]);
        if (i != j && bytes > 0 && b.with_transfers)
          intra.transfers.push_back({g[rank[m][i]], g[rank[m][j]], bytes});
      }
  for (int j = 0; j < G; ++j)
    for (int m = 0; m < M; ++m)
      for (int m2 = 0; m2 < M; ++m2) {
        if (m == m2) continue;
        double bytes = 0;
        for (int i = 0; i < G; ++i) bytes += mat.at(rank[m][i], rank[m2][j]);
        if (bytes <= 0) continue;
        messages[rank[m][j]] += std::ceil(bytes / kNetChunk_bytes);
        if (b.with_transfers) inter.transfers.push_back({g[rank[m][j]], g[rank[m2][j]], bytes});
      }
  double most = 0;
  for (const auto& [d, n] : messages) most = std::max(most, n);
  if (lib.nic_message_rate > 0) inter.min_time_s = most / lib.nic_message_rate;
  s.phases = {std::move(intra), std::move(inter)};
  return s;
}

}  // namespace moesim::collectives::detail
