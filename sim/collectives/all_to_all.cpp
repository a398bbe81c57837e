// All-to-all algorithms over uneven per-pair byte matrices.
#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_map>

#include "sim/collectives/builders.h"

namespace moesim::collectives::detail {
namespace {

/// NCCL splits a network p2p transfer into chunks of NCCL_P2P_NET_CHUNKSIZE = 128 KiB (NCCL docs
/// "Environment Variables"); each chunk is one RDMA write, i.e. one message for the NIC's message rate.
constexpr double kNetChunk_bytes = 128.0 * 1024;

/// Bytes from group rank i to group rank j: the request's matrix, or the nccl-tests uniform exchange
/// (bytes / n to every rank) without materialising it.
class PairBytes {
 public:
  explicit PairBytes(const Build& b)
      : m_(b.request.matrix), uniform_(b.layout.n > 0 ? b.request.bytes / b.layout.n : 0) {}
  double operator()(int i, int j) const { return m_ != nullptr ? m_->at(i, j) : uniform_; }
  double total(int n) const { return m_ != nullptr ? m_->total() : uniform_ * n * n; }

 private:
  const ByteMatrix* m_;
  double uniform_;
};

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

/// Every pair straight from sender to receiver (no PXN); returns the most network messages of a sender.
template <typename ForEachPair>
double add_direct_legs(network::Phase& phase, const Build& b, ForEachPair&& for_each_pair) {
  const auto& L = b.layout;
  const auto& g = b.request.group;
  std::vector<double> messages(static_cast<std::size_t>(L.n), 0.0);
  for_each_pair([&](int i, int j, double bytes) {
    if (i == j || bytes <= 0) return;
    phase.transfers.push_back({g[i], g[j], bytes});
    if (L.node_index[i] != L.node_index[j]) messages[i] += std::ceil(bytes / kNetChunk_bytes);
  });
  return *std::max_element(messages.begin(), messages.end());
}

/// Adds the transfers of `pairs` (group ranks i -> j, bytes) to `phase`: same node directly; across nodes
/// through PXN when the library has it — over NVLink to the group member on the sender's node that sits
/// on the receiver's rail, then over that member's NIC (NCCL >= 2.12, NCCL_PXN_DISABLE=0: traffic stays on
/// the destination's rail and messages to one NIC are aggregated; NVIDIA blog "Doubling all2all
/// performance with NCCL 2.12"). Legs are summed per device pair (dense tables: per sender and proxy, per
/// sender node and receiver). Returns the largest number of network messages (128 KiB chunks) any device
/// sends. Without transfers (a structure-only build) nothing is summed and 0 is returned.
template <typename ForEachPair>
double add_legs(network::Phase& phase, const Build& b, ForEachPair&& for_each_pair) {
  if (!b.with_transfers) return 0;
  const auto& L = b.layout;
  const auto& g = b.request.group;
  const int n = L.n;
  const bool pxn = b.library.pxn && L.uniform && L.nodes > 1;
  if (!pxn) return add_direct_legs(phase, b, for_each_pair);
  const int G = L.per_node, M = L.nodes;
  // proxy_of[m][j]: local index on node m of the member on group rank j's rail (-1: none, send directly).
  std::vector<int> rail_local(static_cast<std::size_t>(n));
  std::vector<std::unordered_map<int, int>> by_rail(static_cast<std::size_t>(M));
  for (int r = 0; r < n; ++r) by_rail[L.node_index[r]].emplace(rail_of(g[r], b.topology), L.local_index[r]);
  std::vector<int> proxy_of(static_cast<std::size_t>(M) * n, -1);
  for (int m = 0; m < M; ++m)
    for (int j = 0; j < n; ++j) {
      const auto it = by_rail[m].find(rail_of(g[j], b.topology));
      if (it != by_rail[m].end()) proxy_of[static_cast<std::size_t>(m) * n + j] = it->second;
    }
  std::vector<double> to_proxy(static_cast<std::size_t>(n) * G, 0.0);   // [sender][proxy local]
  std::vector<double> from_node(static_cast<std::size_t>(M) * n, 0.0);  // [sender node][receiver]
  std::vector<std::array<double, 3>> unproxied;  // rare: no member on the receiver's rail
  for_each_pair([&](int i, int j, double bytes) {
    if (i == j || bytes <= 0) return;
    const int mi = L.node_index[i];
    if (mi == L.node_index[j]) {
      to_proxy[static_cast<std::size_t>(i) * G + L.local_index[j]] += bytes;
      return;
    }
    const int via = proxy_of[static_cast<std::size_t>(mi) * n + j];
    if (via < 0) {
      unproxied.push_back({static_cast<double>(i), static_cast<double>(j), bytes});
      return;
    }
    if (via != L.local_index[i]) to_proxy[static_cast<std::size_t>(i) * G + via] += bytes;
    from_node[static_cast<std::size_t>(mi) * n + j] += bytes;
  });
  std::vector<double> messages(static_cast<std::size_t>(n), 0.0);
  std::vector<int> rank_at(static_cast<std::size_t>(M) * G);  // group rank of member q of node m
  for (int r = 0; r < n; ++r) rank_at[static_cast<std::size_t>(L.node_index[r]) * G + L.local_index[r]] = r;
  for (int i = 0; i < n; ++i)
    for (int q = 0; q < G; ++q) {
      const double bytes = to_proxy[static_cast<std::size_t>(i) * G + q];
      if (bytes > 0) phase.transfers.push_back({g[i], L.members[L.node_index[i]][q], bytes});
    }
  for (int m = 0; m < M; ++m)
    for (int j = 0; j < n; ++j) {
      const double bytes = from_node[static_cast<std::size_t>(m) * n + j];
      if (bytes <= 0) continue;
      const int q = proxy_of[static_cast<std::size_t>(m) * n + j];
      phase.transfers.push_back({L.members[m][q], g[j], bytes});
      messages[static_cast<std::size_t>(rank_at[static_cast<std::size_t>(m) * G + q])] +=
          std::ceil(bytes / kNetChunk_bytes);
    }
  for (const auto& [i, j, bytes] : unproxied) {
    phase.transfers.push_back({g[static_cast<int>(i)], g[static_cast<int>(j)], bytes});
    messages[static_cast<std::size_t>(i)] += std::ceil(bytes / kNetChunk_bytes);
  }
  return *std::max_element(messages.begin(), messages.end());
}

/// One pairwise round (every rank i sends to i+k): legs as add_legs() makes them, without tables since
/// each rank sends to one peer and receives from one.
double add_round_legs(network::Phase& phase, const Build& b, int k, const PairBytes& m) {
  if (!b.with_transfers) return 0;
  const auto& L = b.layout;
  const auto& g = b.request.group;
  const bool pxn = b.library.pxn && L.uniform && L.nodes > 1;
  double most = 0;
  std::unordered_map<int, double> messages;
  for (int i = 0; i < L.n; ++i) {
    const int j = (i + k) % L.n;
    const double bytes = m(i, j);
    if (bytes <= 0) continue;
    int via = g[i];
    if (pxn && L.node_index[i] != L.node_index[j]) {
      const int rail = rail_of(g[j], b.topology);
      for (int d : L.members[L.node_index[i]])
        if (rail_of(d, b.topology) == rail) via = d;
    }
    if (via != g[i]) phase.transfers.push_back({g[i], via, bytes});
    phase.transfers.push_back({via, g[j], bytes});
    if (L.node_index[i] != L.node_index[j])
      most = std::max(most, messages[via] += std::ceil(bytes / kNetChunk_bytes));
  }
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
  const PairBytes m(b);
  if (m.total(L.n) <= 0) return s;
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
      for (int j = 0; j < L.n; ++j) add(i, j, m(i, j));
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
  const PairBytes m(b);
  if (m.total(L.n) <= 0) return s;
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
    const double messages = add_round_legs(phase, b, k, m);
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
  const PairBytes mat(b);
  if (mat.total(L.n) <= 0) return s;
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
        for (int m2 = 0; m2 < M; ++m2) bytes += mat(rank[m][i], rank[m2][j]);
        if (i != j && bytes > 0 && b.with_transfers)
          intra.transfers.push_back({g[rank[m][i]], g[rank[m][j]], bytes});
      }
  for (int j = 0; j < G; ++j)
    for (int m = 0; m < M; ++m)
      for (int m2 = 0; m2 < M; ++m2) {
        if (m == m2) continue;
        double bytes = 0;
        for (int i = 0; i < G; ++i) bytes += mat(rank[m][i], rank[m2][j]);
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
