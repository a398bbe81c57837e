// moesim — the `moesim plan --json` document: the ranked layouts, the counts, the Pareto fronts and the
// sentence on why the best wins; shards of one plan merged into one document.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "plan/planner.h"

namespace moesim::plan {

/// The document of one search (or one shard of it):
///   kind "moesim-plan", moesim_version, scenario, scenario_file, model, cluster, accelerator, devices [..],
///   objective, top, backend, constraints (text), shard {index, count}, shards [[i, n], ...],
///   candidate_layouts, pruned_layouts, evaluated_layouts, failed_layouts, rejected_layouts,
///   min_pruned_memory_bytes, wall_s, layouts_per_s, network_cache {hits, misses},
///   layouts: every simulated layout that ran, best first (plan_json.h fields + rank, objective_value,
///   pareto_time_memory, pareto_time_cost, pareto_time_energy), failures: those whose simulation failed,
///   best_vs_runner_up (explain_best; null with fewer than two), scenario_layout {layout, rank} (rank null
///   when it was not simulated here: pruned, outside the constraints or in another shard).
nlohmann::json plan_document(const PlanProblem& problem, const PlanResult& result,
                             const SearchOptions& options);

/// Merges the documents of the shards of one plan (same scenario, objective, constraints and shard count)
/// into the document of the whole plan; counts are summed, wall_s is the longest shard's. Throws
/// ConfigError (file = the document's `source`) when the shards do not belong together.
nlohmann::json merge_plan_documents(const std::vector<nlohmann::json>& docs,
                                    const std::vector<std::string>& sources);

/// Reads a document written by `moesim plan --json`; ConfigError when it is not one.
nlohmann::json read_plan_document(const std::string& path);

/// The text summary: counts, the top layouts as a table, the sentence, where the scenario's own layout
/// ranks.
void print_plan(std::ostream& out, const nlohmann::json& doc);

}  // namespace moesim::plan
