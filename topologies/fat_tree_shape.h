// moesim — how many switches and links a fat-tree of a given radix needs for a given number of NICs.
#pragma once

#include <optional>
#include <string>

namespace moesim::topologies {

struct ClusterSpec;

/// The sizes of a 2- or 3-level fat-tree, derived from the radix, the leaf oversubscription and the number of
/// NIC endpoints. Rules (they reproduce NVIDIA's DGX SuperPOD tables: 1,024 H100 -> 32 leaves + 16 spines;
/// 2,048 -> 64 + 32; 4,096 -> 128 leaves + 128 spines + 64 cores):
/// - a leaf has `down` = round(radix * o / (1 + o)) ports to NICs and `up` = radix - down to spines;
/// - rail-optimised: one leaf per (rail, group of `down` servers); otherwise NICs fill leaves in order;
/// - 2 levels: every leaf reaches every spine over `leaf_spine_parallel` links, the largest divisor of `up`
///   that fits leaves * parallel <= radix; spines = up / parallel; needs leaves <= radix;
/// - 3 levels: pods of radix/2 leaves with their own spines (same rule); spine j of every pod reaches the
///   `cores_per_group` cores of group j over `spine_core_parallel` links (largest divisor of radix/2 with
///   pods * parallel <= radix); needs pods <= radix.
struct FatTreeShape {
  int endpoints = 0;  ///< NICs (servers * nics per server)
  int rails = 1;      ///< NICs per server when rail-optimised, else 1
  int down = 0;       ///< leaf ports towards NICs
  int up = 0;         ///< leaf ports towards spines
  int leaves = 0;
  int pods = 1;            ///< 1 for two levels
  int leaves_per_pod = 0;  ///< = leaves for two levels
  int spines_per_pod = 0;
  int leaf_spine_parallel = 1;
  int spine_up = 0;  ///< spine ports towards cores (3 levels)
  int cores_per_group = 0;
  int spine_core_parallel = 1;
  int cores = 0;

  int spines() const { return spines_per_pod * pods; }
  int switches() const { return leaves + spines() + cores; }
  /// Leaf (0..leaves-1) that NIC `nic` of server `node` plugs into.
  int leaf_of(int node, int nic, int nics_per_node) const;
};

/// Computes the shape for `spec` (fabric must be a fat-tree). Returns an explanation when the radix is too
/// small for the device count (or the oversubscription leaves no up or down port), else nullopt.
std::optional<std::string> compute_fat_tree_shape(const ClusterSpec& spec, FatTreeShape& out);

}  // namespace moesim::topologies
