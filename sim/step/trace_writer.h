// moesim — Chrome / Perfetto trace of one simulated step.
#pragma once

#include <ostream>
#include <vector>

#include "sim/step/step_graph.h"
#include "sim/step/step_scheduler.h"

namespace moesim::sim {

/// Writes the ops of `devices` (simulated device numbers; empty = the first 8) as a Chrome trace-event JSON
/// (the format chrome://tracing and ui.perfetto.dev open): one process per device, one thread per stream,
/// times in microseconds as the format requires.
void write_chrome_trace(std::ostream& out, const StepGraph& graph, const Schedule& schedule,
                        const std::vector<int>& devices);

}  // namespace moesim::sim
