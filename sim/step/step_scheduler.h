// moesim — discrete-event evaluation of a StepGraph: when does each op start and end.
#pragma once

#include <vector>

#include "sim/step/step_graph.h"

namespace moesim::sim {

/// Start and end of every op, seconds from the start of the step.
struct Schedule {
  std::vector<double> start_s;
  std::vector<double> end_s;
  double makespan_s = 0;   ///< end of the last op: the step time
  std::size_t events = 0;  ///< events the simulation processed (op ends, latency ends, share changes)
};

/// Runs the graph as a discrete-event system in time order. An op starts when its dependencies have ended
/// and the previous op on its device stream has ended (streams are FIFO, like CUDA streams; every
/// communicator has its own stream, see Stream). Compute ops take their `duration_s`. A collective starts
/// when every participant is ready; it first spends its fixed `latency_s`, then moves its bytes: alone it
/// would take `duration_s - latency_s`, but collectives that move bytes at the same time share the
/// resources in their `uses` max-min fairly (LinkSharing), and the shares are recomputed whenever one
/// starts or ends, so a gradient all-reduce and an all-to-all on the same NICs both take longer than alone.
/// All participants end together (bulk-synchronous NCCL/ICI collectives).
/// `resource_count` bounds the resource ids of the collectives' uses.
/// Throws std::logic_error on a cycle (a bug in the graph builder, never user input).
Schedule schedule_step(const StepGraph& graph, std::size_t resource_count = 0);

}  // namespace moesim::sim
