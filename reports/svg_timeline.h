// moesim — a Gantt chart of traced devices' streams over one step, as inline SVG.
#pragma once

#include <string>
#include <vector>

#include "sim/step/step_result.h"

namespace moesim::reports {

/// The colour classes of the timeline (one palette colour each, svg_chart.h's colour-blind-safe palette).
enum class TimelineGroup : int {
  kDenseCompute = 0,  ///< embedding, attention, dense FFN
  kExpertCompute,     ///< gating, permute, expert FFN
  kOptimizer,
  kAllToAll,      ///< dispatch and combine
  kTpAllReduce,   ///< tensor-parallel all-reduce, all-gathers and reduce-scatters
  kGradReduce,    ///< data-parallel and expert gradient all-reduce / reduce-scatter
  kWeightGather,  ///< sharded-weight all-gather
  kPipelineP2p,   ///< pipeline sends and receives
  kCount
};

/// The colour class of an op category, its legend label, and its colour ("#RRGGBB").
TimelineGroup timeline_group(sim::OpCategory category);
const char* timeline_group_label(TimelineGroup group);
const char* timeline_group_colour(TimelineGroup group);

/// One row of the chart: a traced rank's stream that has ops.
struct TimelineRow {
  int rank = 0;
  sim::Stream stream = sim::Stream::kCompute;
};

/// The rows the chart draws for `ops`, by rank then stream (only streams with ops).
std::vector<TimelineRow> timeline_rows(const std::vector<sim::TimelineOp>& ops);

/// One `<svg data-chart="timeline">` element: a row per traced rank and stream, a bar per op (class "op",
/// with data-rank, data-stream, data-category, data-start-s, data-end-s and a <title> tooltip naming the op,
/// its times and, for communication, bytes, peers and algorithm), a time axis from 0 to `step_time_s` and a
/// legend of the colour classes present. Well-formed XML, no script.
std::string render_timeline_svg(const std::vector<sim::TimelineOp>& ops, double step_time_s);

}  // namespace moesim::reports
