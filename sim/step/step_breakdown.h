// moesim — where a step's time goes on each device: compute, exposed communication, idle.
#pragma once

#include <array>
#include <vector>

#include "sim/step/step_graph.h"
#include "sim/step/step_scheduler.h"

namespace moesim::sim {

/// Mutually exclusive activity classes of a device over the step. A moment of the step belongs to the
/// highest-priority class active then (compute hides communication that overlaps it; communication that
/// does not overlap compute is "exposed", as in the MegaScale / Megatron breakdowns).
enum class Activity : int {
  kComputeBound = 0,
  kMemoryBound,
  kAllToAll,
  kAllReduce,
  kPipelineP2p,
  kIdle,
  kCount
};

inline constexpr std::size_t kActivityCount = static_cast<std::size_t>(Activity::kCount);

/// Seconds per Activity for one device; the entries sum to the step time.
using ActivitySeconds = std::array<double, kActivityCount>;

/// Exposed communication seconds per communicator stream (indexed by Stream; kCompute unused).
using StreamSeconds = std::array<double, kStreamCount>;

/// Per-device and mean activity seconds of a scheduled step. Two refinements of the mean, over the same
/// time: the exposed communication by the communicator that was exposed (when several are, the one the
/// class order picks: all-to-all before all-reduce, TP before DP before expert-DP before weight gathers),
/// and the idle time split by what ended it: a collective (waiting for slower participants, e.g. the
/// busiest experts) or anything else (the pipeline bubble and its p2p waits).
struct StepBreakdown {
  std::vector<ActivitySeconds> per_device_s;
  ActivitySeconds mean_s{};  ///< mean over simulated devices
  StreamSeconds exposed_by_stream_s{};
  double idle_collective_wait_s = 0;
  double idle_bubble_s = 0;
  double step_time_s = 0;
};

StepBreakdown breakdown_step(const StepGraph& graph, const Schedule& schedule);

}  // namespace moesim::sim
