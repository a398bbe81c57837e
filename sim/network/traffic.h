// moesim — what a collective puts on the network: transfers grouped into dependent phases.
#pragma once

#include <string>
#include <vector>

#include "topologies/topology.h"

namespace moesim::network {

/// One point-to-point transfer of `bytes` from device `src` to device `dst` (device ranks of the
/// Topology, not group ranks). A transfer with src == dst or bytes == 0 puts nothing on the network.
using Transfer = topologies::Flow;

/// A set of transfers that a collective issues together (one step of a ring, one round of a pairwise
/// all-to-all, a whole pipelined tree), executed `repeat` times back to back. Each repetition first pays
/// `overhead_s` (a synchronisation step), then moves its transfers; it ends when the busiest link has
/// drained them and not before `min_time_s` (a throughput cap of the protocol on the GPU side, such as
/// NCCL's LL bandwidth limits). `efficiency` is the fraction of the links' achievable bandwidth the
/// protocol reaches (NCCL's LL moves 8 bytes of data in a 16-byte line: 0.5).
///
/// A symmetric collective is priced from one representative step: a ring all-reduce is ONE phase (every
/// rank sends its slice to its successor) with repeat = 2(n-1), not 2(n-1) phases of n transfers each.
struct Phase {
  std::vector<Transfer> transfers;
  double overhead_s = 0;  ///< fixed cost paid before each repetition, seconds
  int repeat = 1;         ///< identical repetitions, back to back
  double min_time_s = 0;  ///< per repetition: lower bound on the transfer part, seconds
  double efficiency = 1;  ///< fraction of each link's achievable bandwidth (0, 1]
};

/// A collective (or any sequence of dependent transfer phases) as the transfers it issues. Phases run one
/// after the other; `launch_s` is paid once before the first phase: kernel launch plus every latency the
/// collective's model charges once (a pipelined ring's chunk latency along the ring, a tree's depth).
/// Backends add no link latency of their own: the library models' per-hop latencies (NCCL's hwLat) are
/// measured end to end and include the wire.
struct Schedule {
  std::string name;  ///< e.g. "all-reduce/ring/simple", for reports
  double launch_s = 0;
  std::vector<Phase> phases;

  /// Total bytes of all transfers that cross the network (src != dst), repetitions included.
  double network_bytes() const;
  /// Number of distinct transfers with bytes > 0 and src != dst (repetitions not counted).
  std::size_t transfer_count() const;
  /// launch_s plus every repetition's overhead_s: the part of the time no bandwidth sharing stretches.
  double fixed_latency_s() const;
};

/// The same schedule with every repeated phase unrolled into `repeat` phases of repeat 1 (what SimGrid
/// or a reader sees as the real transfer sequence). The analytic time of both is the same.
Schedule expand_repeats(const Schedule& schedule);

}  // namespace moesim::network
