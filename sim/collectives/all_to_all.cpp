// All-to-all algorithms over uneven per-pair byte matrices.
#include <stdexcept>

#include "sim/collectives/collective.h"

namespace moesim::collectives {
namespace {

void drop_empty_phases(network::Schedule& s) {
  std::erase_if(s.phases, [](const network::Phase& p) { return p.transfers.empty(); });
}

/// Tutel's 2DH all-to-all (Hwang et al., "Tutel", MLSys 2023 §3.3) and DeepSpeed-MoE's hierarchical
/// all-to-all: with G members per node and M nodes, member (m, i) first sends to its node-mate (m, j) the
/// tokens bound for local index j on EVERY node (intra-node all-to-all after a local re-layout); then
/// (m, j) sends to (m', j) on each other node everything node m has for (m', j) (inter-node all-to-all
/// among same-local-rank peers, M-1 messages per device instead of n-G, each G× larger). The data is then
/// at its destination, so the third "scatter" phase some descriptions list is the local re-layout only (no
/// transfer). Bytes crossing nodes are the same as direct; what changes is message count and size.
network::Schedule hierarchical(const ByteMatrix& b, const std::vector<int>& group, const NodeLayout& layout) {
  const int n = static_cast<int>(group.size());
  std::vector<std::vector<int>> rank(layout.nodes, std::vector<int>(layout.per_node));
  for (int r = 0; r < n; ++r) rank[layout.node_index[r]][layout.local_index[r]] = r;
  network::Schedule s;
  s.phases.resize(2);
  for (int m = 0; m < layout.nodes; ++m)
    for (int i = 0; i < layout.per_node; ++i)
      for (int j = 0; j < layout.per_node; ++j) {
        if (i == j) continue;
        double bytes = 0;
        for (int m2 = 0; m2 < layout.nodes; ++m2) bytes += b.at(rank[m][i], rank[m2][j]);
        if (bytes > 0) s.phases[0].transfers.push_back({group[rank[m][i]], group[rank[m][j]], bytes});
      }
  for (int j = 0; j < layout.per_node; ++j)
    for (int m = 0; m < layout.nodes; ++m)
      for (int m2 = 0; m2 < layout.nodes; ++m2) {
        if (m == m2) continue;
        double bytes = 0;
        for (int i = 0; i < layout.per_node; ++i) bytes += b.at(rank[m][i], rank[m2][j]);
        if (bytes > 0) s.phases[1].transfers.push_back({group[rank[m][j]], group[rank[m2][j]], bytes});
      }
  return s;
}

}  // namespace

network::Schedule build_all_to_all(const CollectiveRequest& request, Algorithm a,
                                   const topologies::Topology& topology, const LibraryParams& /*params*/) {
  const int n = static_cast<int>(request.group.size());
  ByteMatrix uniform;
  if (request.matrix == nullptr) uniform = uniform_all_to_all(n, request.bytes);
  const ByteMatrix& b = request.matrix != nullptr ? *request.matrix : uniform;
  if (b.n != n || b.bytes.size() != static_cast<std::size_t>(n) * n)
    throw std::invalid_argument("all-to-all byte matrix is " + std::to_string(b.n) + "x" +
                                std::to_string(b.n) + " but the group has " + std::to_string(n) + " ranks");
  for (double v : b.bytes)
    if (!(v >= 0)) throw std::invalid_argument("all-to-all byte matrix entries must be >= 0");
  const auto& g = request.group;
  network::Schedule s;
  switch (a) {
    case Algorithm::kDirect:
      s.phases.resize(1);
      s.phases[0].transfers.reserve(static_cast<std::size_t>(n) * (n - 1));
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
          if (i != j && b.at(i, j) > 0) s.phases[0].transfers.push_back({g[i], g[j], b.at(i, j)});
      break;
    case Algorithm::kPairwise:
      s.phases.resize(n > 1 ? n - 1 : 0);
      for (int k = 1; k < n; ++k)
        for (int i = 0; i < n; ++i) {
          const int j = (i + k) % n;
          if (b.at(i, j) > 0) s.phases[k - 1].transfers.push_back({g[i], g[j], b.at(i, j)});
        }
      break;
    case Algorithm::kHierarchical:
      s = hierarchical(b, g, node_layout(g, topology));
      break;
    default:
      throw std::invalid_argument("all-to-all implements direct, pairwise and hierarchical, not " +
                                  std::string(algorithm_name(a)));
  }
  drop_empty_phases(s);
  return s;
}

}  // namespace moesim::collectives
