// Where a group's members sit (nodes, rails, torus boxes) and which algorithms apply to it.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "sim/collectives/builders.h"
#include "topologies/cluster_spec.h"
#include "topologies/torus_topology.h"

namespace moesim::collectives::detail {

int rail_of(int device, const topologies::Topology& topology) {
  const auto* spec = topology.cluster_spec();
  if (spec == nullptr || spec->fabric == topologies::FabricType::kTorus) return topology.local_rank(device);
  return topology.local_rank(device) * spec->node.nics / spec->node.gpus;
}

std::optional<std::vector<std::vector<int>>> torus_box_of(const std::vector<int>& group,
                                                          const topologies::Topology& topology) {
  const auto* torus = dynamic_cast<const topologies::TorusTopology*>(&topology);
  if (torus == nullptr) return std::nullopt;
  const int nd = static_cast<int>(torus->dims().size());
  std::vector<std::vector<int>> coords(static_cast<std::size_t>(nd));
  long long volume = 1;
  for (int k = 0; k < nd; ++k) {
    for (int d : group) coords[k].push_back(torus->coordinate(d, k));
    std::sort(coords[k].begin(), coords[k].end());
    coords[k].erase(std::unique(coords[k].begin(), coords[k].end()), coords[k].end());
    volume *= static_cast<long long>(coords[k].size());
  }
  if (volume != static_cast<long long>(group.size())) return std::nullopt;
  return coords;
}

GroupLayout layout_of(const std::vector<int>& group, const topologies::Topology& topology) {
  GroupLayout l;
  l.n = static_cast<int>(group.size());
  std::vector<int> node_to_m(static_cast<std::size_t>(topology.node_count()), -1);
  for (int d : group) {
    int& m = node_to_m[static_cast<std::size_t>(topology.node_of(d))];
    if (m < 0) {
      m = l.nodes++;
      l.members.emplace_back();
    }
    l.node_index.push_back(m);
    l.local_index.push_back(static_cast<int>(l.members[m].size()));
    l.members[m].push_back(d);
  }
  l.per_node = l.members.empty() ? 0 : static_cast<int>(l.members.front().size());
  l.uniform = std::all_of(l.members.begin(), l.members.end(), [&](const std::vector<int>& m) {
    return static_cast<int>(m.size()) == l.per_node;
  });
  if (!l.uniform) l.per_node = 0;
  if (l.uniform && !l.members.empty()) {
    std::unordered_set<int> rails;
    for (int d : l.members.front()) rails.insert(rail_of(d, topology));
    l.rails = static_cast<int>(rails.size());
  }
  l.torus_box = torus_box_of(group, topology).has_value();
  return l;
}

int ring_steps(CollectiveOp op, int n) {
  return op == CollectiveOp::kAllReduce ? 2 * (n - 1) : n - 1;
}

int log2i(int x) {
  int r = 0;
  while (x > 1) {
    x >>= 1;
    ++r;
  }
  return r;
}

std::vector<std::vector<int>> double_tree_parents(int k) {
  std::vector<std::vector<int>> parent(2, std::vector<int>(static_cast<std::size_t>(k), -1));
  // Tree 0: a binary heap over positions 0..k-1. Tree 1: the mirror (even k) or the shift by one (odd k)
  // of tree 0, so that a leaf of one tree is interior in the other.
  auto item = [&](int tree, int p) { return tree == 0 ? p : (k % 2 == 0 ? k - 1 - p : (p + 1) % k); };
  for (int t = 0; t < 2; ++t)
    for (int p = 1; p < k; ++p) parent[t][item(t, p)] = item(t, (p - 1) / 2);
  return parent;
}

bool applies(Algorithm a, const CollectiveRequest& r, const GroupLayout& l, const LibraryModel& lib) {
  const bool a2a = r.op == CollectiveOp::kAllToAll;
  const bool ar = r.op == CollectiveOp::kAllReduce;
  const bool nccl = lib.library == Library::kNccl;
  const bool multi = l.nodes > 1 && l.uniform;
  switch (a) {
    case Algorithm::kAuto:
      return true;
    case Algorithm::kDirect:
    case Algorithm::kPairwise:
      return a2a;
    case Algorithm::kHierarchical:
      return a2a && multi && l.per_node > 1;
    case Algorithm::kRing:
      return !a2a;
    case Algorithm::kTree:
      return ar && nccl;
    case Algorithm::kHierarchical2D:
      return ar && multi && l.per_node > 1;
    case Algorithm::kNvls:
      return !a2a && nccl && lib.nvls && l.nodes == 1 && l.n >= 2;
    case Algorithm::kNvlsTree:
      return ar && nccl && lib.nvls && multi && l.per_node >= 2;
    case Algorithm::kSharp:
      return ar && nccl && lib.sharp && multi && lib.nvlink_intra && l.per_node <= 8;
    case Algorithm::kPat:
      return !a2a && !ar && nccl && l.nodes == l.n && l.n >= 2;
    case Algorithm::kTorus:
      return !a2a && lib.library == Library::kIci && l.torus_box && l.n >= 2;
  }
  return false;
}

std::vector<Protocol> protocols_of(Algorithm a, const LibraryModel& lib) {
  if (lib.library == Library::kNccl && (a == Algorithm::kRing || a == Algorithm::kTree)) {
    // LL128 is enabled by default only over NVLink inside the node (tuning.cc: typeIntra <= PATH_NVB).
    if (lib.nvlink_intra) return {Protocol::kLL, Protocol::kLL128, Protocol::kSimple};
    return {Protocol::kLL, Protocol::kSimple};
  }
  return {Protocol::kSimple};
}

}  // namespace moesim::collectives::detail
