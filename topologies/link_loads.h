// moesim — bytes on every link and per tier, from a traffic matrix routed over a Topology.
#pragma once

#include <vector>

#include "topologies/topology.h"

namespace moesim::topologies {

/// Bytes sent between devices: either dense (N x N, row = source, diagonal ignored) or the compact
/// "uniform all-to-all": every ordered pair of distinct devices inside each group of `group_size`
/// consecutive ranks sends `bytes_per_pair` (an MoE dispatch with expert-parallel groups).
class TrafficMatrix {
 public:
  static TrafficMatrix dense(int devices, std::vector<double> bytes);
  static TrafficMatrix uniform_all_to_all(int devices, double bytes_per_pair, int group_size);

  int device_count() const { return devices_; }
  bool is_uniform() const { return uniform_; }
  double bytes_per_pair() const { return bytes_per_pair_; }
  int group_size() const { return group_size_; }
  /// Dense bytes, row-major (empty for a uniform matrix).
  const std::vector<double>& dense_bytes() const { return dense_; }
  /// Bytes from src to dst (0 on the diagonal).
  double bytes(int src, int dst) const;
  /// Sum over all ordered pairs, bytes.
  double total_bytes() const;

 private:
  int devices_ = 0;
  bool uniform_ = false;
  double bytes_per_pair_ = 0;
  int group_size_ = 0;
  std::vector<double> dense_;
};

/// Bytes per directed link (indexed by LinkId) and per tier (indexed like Topology::tiers(): the sum of its
/// links' bytes, i.e. byte-hops on that tier).
struct LinkLoads {
  std::vector<double> link_bytes;
  std::vector<double> tier_bytes;

  /// Largest bytes / bandwidth over all links, seconds: the time the busiest link needs to drain.
  double max_link_time_s(const Topology& topology) const;
  /// The link that attains max_link_time_s.
  LinkId busiest_link(const Topology& topology) const;
};

/// Routes `traffic` over `topology` (ECMP fractions included). Uses the fabric's aggregated path
/// (Topology::accumulate_traffic) when it has one, otherwise route() per pair.
LinkLoads compute_link_loads(const Topology& topology, const TrafficMatrix& traffic);
/// Same, always by route() per pair (the reference the aggregated paths are tested against).
LinkLoads compute_link_loads_per_pair(const Topology& topology, const TrafficMatrix& traffic);

}  // namespace moesim::topologies
