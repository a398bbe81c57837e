#include "topologies/fat_tree_shape.h"

#include <cmath>
#include <sstream>

#include "topologies/cluster_spec.h"

namespace moesim::topologies {
namespace {

/// Largest divisor of `n` that is <= limit (at least 1).
int largest_divisor_at_most(int n, int limit) {
  for (int d = std::min(n, std::max(limit, 1)); d > 1; --d) {
    if (n % d == 0) return d;
  }
  return 1;
}

int ceil_div(int a, int b) {
  return (a + b - 1) / b;
}

}  // namespace

int FatTreeShape::leaf_of(int node, int nic, int nics_per_node) const {
  if (rails > 1) return (node / down) * rails + nic;
  return (node * nics_per_node + nic) / down;
}

std::optional<std::string> compute_fat_tree_shape(const ClusterSpec& spec, FatTreeShape& s) {
  const FatTreeSpec& ft = spec.fat_tree;
  const int nodes = spec.node_count();
  const int k = ft.radix;
  s = FatTreeShape{};
  s.endpoints = nodes * spec.node.nics;
  s.down = static_cast<int>(std::lround(k * ft.oversubscription / (1.0 + ft.oversubscription)));
  s.up = k - s.down;
  std::ostringstream why;
  if (s.down < 1 || s.up < 1) {
    why << "radix " << k << " with oversubscription " << ft.oversubscription
        << " leaves a leaf without a down or an up port; expected a larger radix";
    return why.str();
  }
  s.rails = ft.rail_optimized ? spec.node.nics : 1;
  s.leaves = ft.rail_optimized ? ceil_div(nodes, s.down) * s.rails : ceil_div(s.endpoints, s.down);
  if (ft.levels == 2) {
    if (s.leaves > k) {
      why << "a 2-level fat-tree of radix " << k << " has at most " << k << " leaves of " << s.down
          << " NIC ports (" << k * s.down << " NICs); these " << spec.devices << " devices need " << s.leaves
          << " leaves; expected a larger radix or levels: 3";
      return why.str();
    }
    s.pods = 1;
    s.leaves_per_pod = s.leaves;
    s.leaf_spine_parallel = largest_divisor_at_most(s.up, k / s.leaves);
    s.spines_per_pod = s.up / s.leaf_spine_parallel;
    return std::nullopt;
  }
  const int spine_down = k / 2;
  s.spine_up = k - spine_down;
  s.leaves_per_pod = spine_down;
  s.pods = ceil_div(s.leaves, s.leaves_per_pod);
  if (s.pods > k) {
    why << "a 3-level fat-tree of radix " << k << " has at most " << k << " pods of " << spine_down
        << " leaves; these " << spec.devices << " devices need " << s.pods
        << " pods; expected a larger radix";
    return why.str();
  }
  s.leaf_spine_parallel = largest_divisor_at_most(s.up, spine_down / std::min(s.leaves, s.leaves_per_pod));
  s.spines_per_pod = s.up / s.leaf_spine_parallel;
  s.spine_core_parallel = largest_divisor_at_most(s.spine_up, k / s.pods);
  s.cores_per_group = s.spine_up / s.spine_core_parallel;
  s.cores = s.spines_per_pod * s.cores_per_group;
  return std::nullopt;
}

}  // namespace moesim::topologies
