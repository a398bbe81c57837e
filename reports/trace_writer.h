// moesim — Chrome / Perfetto trace of one simulated step.
#pragma once

#include <ostream>
#include <vector>

#include "sim/step/step_result.h"

namespace moesim::reports {

/// Writes `timeline` as a Chrome trace-event JSON (the format chrome://tracing and ui.perfetto.dev open):
/// one process per simulated device, named after the cluster device it stands for, one thread per stream
/// (compute and each communicator), times in microseconds as the format requires; collectives carry their
/// bytes and algorithm in their args.
void write_chrome_trace(std::ostream& out, const std::vector<sim::TimelineOp>& timeline,
                        double devices_per_simulated = 1);

}  // namespace moesim::reports
