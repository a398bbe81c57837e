// All-reduce algorithms: ring, double binary tree, 2D hierarchical.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "sim/collectives/collective.h"

namespace moesim::collectives {
namespace {

int heap_depth(int position) {
  return static_cast<int>(std::floor(std::log2(position + 1.0)));
}

/// NCCL's double binary tree (Sanders, Speck, Träff, "Two-tree algorithms for full bandwidth broadcast,
/// reduction and scan", Parallel Computing 2009; NCCL 2.4): two binary trees, each carrying half the data;
/// the second is the first mirrored (position p holds rank n-1-p), so a rank that is a leaf in one tree
/// is interior in the other and every rank sends and receives about the same. Each half is cut into k
/// chunks that are pipelined: reduce up D levels, then broadcast down D levels, i.e. 2D + k - 1 phases;
/// in phase t chunk q is at step t - q.
network::Schedule double_binary_tree(const std::vector<int>& group, double bytes,
                                     const LibraryParams& params) {
  const int n = static_cast<int>(group.size());
  network::Schedule s;
  if (n < 2 || bytes <= 0) return s;
  const int depth = heap_depth(n - 1);
  std::vector<std::vector<int>> at_depth(depth + 1);
  for (int p = 0; p < n; ++p) at_depth[heap_depth(p)].push_back(p);
  const double half = bytes / 2;
  int k = static_cast<int>(std::ceil(half / params.chunk_bytes));
  k = std::clamp(k, 1, std::max(1, params.max_pipeline_chunks));
  const double chunk = half / k;
  const int phases = 2 * depth + k - 1;
  s.phases.resize(phases);
  for (int t = 0; t < phases; ++t) {
    auto& transfers = s.phases[t].transfers;
    for (int q = std::max(0, t - 2 * depth + 1); q <= std::min(k - 1, t); ++q) {
      const int u = t - q;
      for (int tree = 0; tree < 2; ++tree) {
        auto rank = [&](int p) { return group[tree == 0 ? p : n - 1 - p]; };
        if (u < depth) {  // reduce: level depth-u sends to its parents
          for (int p : at_depth[depth - u]) transfers.push_back({rank(p), rank((p - 1) / 2), chunk});
        } else {  // broadcast: level u-depth sends to its children
          for (int p : at_depth[u - depth])
            for (int c = 2 * p + 1; c <= 2 * p + 2 && c < n; ++c)
              transfers.push_back({rank(p), rank(c), chunk});
        }
      }
    }
  }
  return s;
}

}  // namespace

network::Schedule build_all_reduce(const CollectiveRequest& request, Algorithm a,
                                   const topologies::Topology& topology, const LibraryParams& params) {
  const auto& g = request.group;
  const int n = static_cast<int>(g.size());
  const double bytes = request.bytes;
  network::Schedule s;
  switch (a) {
    case Algorithm::kRing:
      // Reduce-scatter (n-1 steps) then all-gather (n-1 steps), each step one 1/n slice per rank.
      append_ring_steps(s, 0, g, 2 * (n - 1), bytes / n);
      break;
    case Algorithm::kTree:
      s = double_binary_tree(g, bytes, params);
      break;
    case Algorithm::kHierarchical2D: {
      const NodeLayout layout = node_layout(g, topology);
      const int G = layout.per_node;
      const int M = layout.nodes;
      // 1. ring reduce-scatter inside every node: G-1 steps of bytes/G (all nodes in parallel).
      for (const auto& node : layout.members) append_ring_steps(s, 0, node, G - 1, bytes / G);
      // 2. ring all-reduce of each 1/G shard among the same-local-rank devices of all nodes.
      const std::size_t inter_first = static_cast<std::size_t>(std::max(0, G - 1));
      for (int j = 0; j < G; ++j) {
        std::vector<int> ring;
        for (int m = 0; m < M; ++m) ring.push_back(layout.members[m][j]);
        append_ring_steps(s, inter_first, ring, 2 * (M - 1), bytes / (static_cast<double>(G) * M));
      }
      // 3. ring all-gather inside every node.
      const std::size_t gather_first = inter_first + static_cast<std::size_t>(M > 1 ? 2 * (M - 1) : 0);
      for (const auto& node : layout.members) append_ring_steps(s, gather_first, node, G - 1, bytes / G);
      break;
    }
    default:
      throw std::invalid_argument("all-reduce implements ring, tree and hierarchical-2d, not " +
                                  std::string(algorithm_name(a)));
  }
  return s;
}

}  // namespace moesim::collectives
