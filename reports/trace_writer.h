// moesim — Chrome / Perfetto trace of one simulated step.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "sim/step/step_result.h"

namespace moesim::reports {

/// Writes `timeline` as a Chrome trace-event JSON (the format chrome://tracing and ui.perfetto.dev open):
/// one process per traced cluster rank (pid = the rank, named "device R (stands for N devices)"), one named
/// thread per stream it used (compute and each communicator, pipeline p2p included), times in microseconds
/// as the format requires. Every communication event carries bytes, peers and algorithm in its args. With
/// `link_tiers` (StepResult::link_tiers), a counter track per rank and device-attached tier gives the load
/// of the rank's own links of that tier over the step, each collective's busy time spread over its run
/// (tier_load.h).
void write_chrome_trace(std::ostream& out, const std::vector<sim::TimelineOp>& timeline,
                        double devices_per_simulated = 1, const std::vector<std::string>& link_tiers = {});

}  // namespace moesim::reports
