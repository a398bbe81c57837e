// moesim — how busy each traced device's own links are over the step, from the timeline.
#pragma once

#include <string>
#include <vector>

#include "sim/step/step_result.h"

namespace moesim::reports {

/// From `time_s` until the next point, the load on a device's link of one tier.
struct TierLoadPoint {
  double time_s = 0;
  double utilisation = 0;  ///< busy seconds per second of the tier's busiest link (1 = saturated)
};

/// The load one traced rank's collectives put on its own links of one device-attached tier (NVLink, PCIe,
/// NIC, ICI: the tiers whose links each belong to one device, which the step engine shares per device).
/// Each collective's busy time on the tier (TimelineOp::tier_busy_s) is spread evenly over its run and
/// concurrent collectives add up: the mean over the step is exact, the curve is a collective-mean view (where
/// the engine ran one collective at full rate before another joined, the overlap can read above 1).
struct TierLoadSeries {
  int rank = 0;
  std::string tier;
  /// In time order, from 0; the last one is 0, at the end of the last collective.
  std::vector<TierLoadPoint> points;
  double mean_utilisation = 0;  ///< busy seconds over the step time
};

/// One series per traced rank and device-attached tier of `tiers` that the rank's collectives use.
std::vector<TierLoadSeries> tier_load_series(const std::vector<sim::TimelineOp>& ops,
                                             const std::vector<std::string>& tiers, double step_time_s);

}  // namespace moesim::reports
