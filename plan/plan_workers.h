// moesim — evaluating a plan's layouts in forked worker processes (one SimGrid engine per process; the
// analytic backend gains a core per worker).
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "plan/layout_evaluator.h"

namespace moesim::plan {

/// One layout to simulate, on the cluster evaluators[cluster].
struct EvaluationTask {
  std::size_t cluster = 0;
  Layout layout;
};

/// Called in the parent after each layout: layouts done so far, of how many.
using EvaluationProgress = std::function<void(std::size_t done, std::size_t total)>;

/// The outcomes of evaluate_tasks() and the collective-price cache counters of all its processes.
struct EvaluationResult {
  std::vector<LayoutOutcome> outcomes;  ///< in task order
  CacheStats cache;
};

/// Simulates every task and returns the outcomes in task order. `groups` partitions the task indices (every
/// task in exactly one) into units of work (layouts that share collectives); a unit runs whole in one
/// process, so that its cache of collective prices is reused. With jobs == 1 everything runs in this process.
/// With jobs > 1, `jobs` children are forked (after the evaluators were built, so they share the topologies
/// copy-on-write); the parent hands each child the next unit, largest first, as soon as it finishes one, and
/// reads the outcomes back as JSON lines through a pipe. A child that dies leaves its unfinished tasks as
/// failures (error_kind "crash"). The caller must be single-threaded (fork).
EvaluationResult evaluate_tasks(const std::vector<EvaluationTask>& tasks,
                                const std::vector<std::vector<std::size_t>>& groups,
                                const std::vector<ClusterEvaluator*>& evaluators, int jobs,
                                const EvaluationProgress& progress = {});

}  // namespace moesim::plan
