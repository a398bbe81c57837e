// moesim — event-driven evaluation of a StepGraph: when does each op start and end.
#pragma once

#include <vector>

#include "sim/step/step_graph.h"

namespace moesim::sim {

/// Start and end of every op, seconds from the start of the step.
struct Schedule {
  std::vector<double> start_s;
  std::vector<double> end_s;
  double makespan_s = 0;  ///< end of the last op: the step time
};

/// Evaluates the graph as a discrete-event system: an op starts when its dependencies have ended and the
/// previous op on its device stream has ended (streams are FIFO, like CUDA streams); a collective starts
/// when every participant is ready and all participants end together `duration_s` later (bulk-synchronous
/// NCCL/ICI collectives). Compute ops take their `duration_s`. Durations do not depend on concurrency here:
/// contention between concurrent collectives is the network backend's business when it prices them.
/// Throws std::logic_error on a cycle (a bug in the graph builder, never user input).
Schedule schedule_step(const StepGraph& graph);

}  // namespace moesim::sim
