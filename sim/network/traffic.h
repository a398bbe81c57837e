// moesim — what a collective puts on the network: transfers grouped into dependent phases.
#pragma once

#include <string>
#include <vector>

namespace moesim::network {

/// One point-to-point transfer of `bytes` from device `src` to device `dst` (device ranks of the
/// Topology, not group ranks). A transfer with src == dst or bytes == 0 puts nothing on the network.
struct Transfer {
  int src = 0;
  int dst = 0;
  double bytes = 0;
};

/// A set of transfers that a collective issues together (one "step" of a ring, one round of a pairwise
/// all-to-all, one whole direct all-to-all). The phase ends when its last transfer ends; the next phase
/// of the same schedule starts `overhead_s` later (the library's per-step synchronisation cost, see
/// collectives/library_params.h for where the numbers come from).
struct Phase {
  std::vector<Transfer> transfers;
  double overhead_s = 0;  ///< fixed cost paid before this phase's transfers start, seconds
};

/// A collective (or any sequence of dependent transfer phases) as the transfers it really issues.
/// Phases run one after the other; `launch_s` is paid once before the first phase (kernel launch).
struct Schedule {
  std::string name;  ///< e.g. "all-reduce/ring", for reports
  double launch_s = 0;
  std::vector<Phase> phases;

  /// Total bytes of all transfers that cross the network (src != dst).
  double network_bytes() const;
  /// Number of transfers with bytes > 0 and src != dst.
  std::size_t transfer_count() const;
};

}  // namespace moesim::network
