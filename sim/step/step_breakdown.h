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

/// Per-device and mean activity seconds of a scheduled step.
struct StepBreakdown {
  std::vector<ActivitySeconds> per_device_s;
  ActivitySeconds mean_s{};  ///< mean over simulated devices
  double step_time_s = 0;
};

StepBreakdown breakdown_step(const StepGraph& graph, const Schedule& schedule);

}  // namespace moesim::sim
