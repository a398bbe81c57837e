// moesim — `moesim plan` as a library: read a scenario and its `plan:` section, enumerate the valid
// layouts, drop those the memory model says do not fit, simulate the rest in one process (or a few forked
// workers) on a cluster built once, and return every outcome.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "plan/demand_cache.h"
#include "plan/layout_evaluator.h"
#include "plan/layout_space.h"
#include "plan/plan_spec.h"
#include "reports/sweep_grid.h"

namespace moesim::plan {

/// A scenario as the planner reads it: the run and the plan section, and the scenario resized to each
/// device count to plan for. The scenario's own parallelism is only a reference point (it need not be valid
/// for a planned device count; `parallelism:` may even be left out).
struct PlanProblem {
  std::string file;
  YAML::Node root;  ///< the scenario with the command line's overrides applied
  PlanSpec spec;
  std::vector<sim::Scenario> clusters;      ///< one per device count, in PlanSpec::devices order
  std::optional<Layout> scenario_layout;    ///< the scenario's own layout when it is valid on its cluster
  double scenario_layout_memory_bytes = 0;  ///< what it needs per device (memory model)
  double hbm_bytes = 0;                     ///< what one accelerator holds
};

/// What the command line says over the `plan:` section (--objective, --top, --devices).
struct PlanCommandLine {
  std::optional<Objective> objective;
  std::optional<int> top;
  std::vector<std::int64_t> devices;  ///< empty: the section's (or the scenario's)
};

/// Reads `root` (from `file`) strictly: every section as `moesim simulate` reads it, plus `plan:`, then
/// applies `cli`. The cost objective needs a `cost:` section. Bad input throws ConfigError naming file,
/// line and key (or the option).
PlanProblem read_plan_problem(const YAML::Node& root, const std::string& file,
                              const PlanCommandLine& cli = {});

/// Options of a search that are not part of the scenario.
struct SearchOptions {
  int jobs = 1;                      ///< processes simulating at once (fork); 1 = this one
  reports::Shard shard;              ///< run only units of work i, i + n, ... (batch jobs; merge after)
  std::string backend = "analytic";  ///< network backend of every simulation
  bool dry_run = false;              ///< enumerate and prune only: count what would be simulated
  /// Called as layouts finish: done, total (the layouts this shard simulates).
  std::function<void(std::size_t, std::size_t)> progress;
};

/// What a search did and found.
struct PlanResult {
  std::size_t candidate_layouts = 0;    ///< valid layouts in this shard
  std::size_t pruned_layouts = 0;       ///< of those, the ones the memory model says do not fit
  std::size_t evaluated_layouts = 0;    ///< simulated (the rest)
  std::size_t fitting_layouts = 0;      ///< candidates minus pruned: what is (dry run: would be) simulated
  std::size_t rejected_layouts = 0;     ///< enumerated but refused by check_parallelism (0 expected)
  double min_pruned_memory_bytes = 0;   ///< the smallest need among the pruned layouts (0: none pruned)
  std::vector<LayoutOutcome> outcomes;  ///< every simulated layout, in enumeration order
  CacheStats cache;                     ///< network-demand prices reused / computed
  double wall_s = 0;
};

/// Runs the search (see the file comment). The caller must be single-threaded when jobs > 1.
PlanResult search_layouts(const PlanProblem& problem, const SearchOptions& options);

}  // namespace moesim::plan
