// moesim — why the best layout of a plan beats the runner-up, in one sentence computed from their
// simulated breakdowns.
#pragma once

#include <string>

#include "plan/layout_evaluator.h"

namespace moesim::plan {

/// The knobs in which `b` differs from `a`, e.g. "pipeline 4 vs 1, ZeRO 1 vs 3" ("nothing" if none).
std::string layout_differences(const Layout& a, const Layout& b);

/// "TP1 PP1 EP64 DP1024 mb1 ZeRO-1 none beats TP1 ... ZeRO-3 none by 4.1% (812.3 ms vs 845.8 ms per step);
/// it differs in ZeRO 3 vs 1; the runner-up spends +31.2 ms on exposed all-reduce and +2.3 ms idle, -0.1 ms
/// on compute; memory per device 61.2 GB vs 44.0 GB." The objective decides which quantity leads (step time,
/// cost per step or energy per step); the step-time differences of each activity (runner-up minus best)
/// are listed largest first while they explain at least 90% of the gap, at most four.
std::string explain_best(const LayoutOutcome& best, const LayoutOutcome& runner_up, Objective objective);

}  // namespace moesim::plan
