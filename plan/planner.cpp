#include "plan/planner.h"

#include <chrono>
#include <map>
#include <memory>

#include "plan/layout_memory.h"
#include "plan/plan_workers.h"
#include "sim/step/power_setup.h"
#include "topologies/accelerator.h"
#include "topologies/cluster_spec.h"
#include "workloads/config_error.h"
#include "workloads/key_lines.h"
#include "workloads/scenario_overrides.h"

namespace moesim::plan {
namespace {

/// The scenario resized to `devices` (a torus preset is reshaped, as `--set cluster.devices=N` does).
topologies::ClusterSpec cluster_for(const PlanProblem& p, std::int64_t devices, int line, const char* key) {
  const YAML::Node resized =
      workloads::apply_overrides(p.root, {"cluster.devices=" + std::to_string(devices)}, p.file);
  try {
    return topologies::parse_cluster(YamlMap(resized, p.file, "").map("cluster"));
  } catch (const ConfigError& e) {
    throw ConfigError(p.file, line, key,
                      "cannot plan for " + std::to_string(devices) + " devices on this cluster: " + e.what());
  }
}

workloads::ModelAccounting account(const workloads::RunSpec& run) {
  return workloads::account_model(run.model, workloads::accounting_options(run.training));
}

/// Units of work: the layouts of one cluster with the same tensor, pipeline, data, expert and expert-tensor
/// degrees, in enumeration order (they share most of their network demands).
std::vector<std::vector<EvaluationTask>> work_units(const PlanProblem& problem, PlanResult& result) {
  const YamlMap root(problem.root, problem.file, "");
  std::map<decltype(Layout{}.group_key()), std::size_t> unit_of;
  std::vector<std::vector<EvaluationTask>> units;
  for (std::size_t c = 0; c < problem.clusters.size(); ++c) {
    std::size_t rejected = 0;
    for (auto& layout : enumerate_layouts(problem.clusters[c], root, problem.spec, &rejected)) {
      const auto [it, added] = unit_of.emplace(layout.group_key(), units.size());
      if (added) units.emplace_back();
      units[it->second].push_back({c, std::move(layout)});
    }
    result.rejected_layouts += rejected;
  }
  return units;
}

/// The shard's units, each layout pruned with the memory model before anything is simulated: the ones that
/// fit become `tasks`, grouped by unit in `groups`.
void prune_shard(const PlanProblem& problem, const reports::Shard& shard,
                 std::vector<std::vector<EvaluationTask>> units, PlanResult& result,
                 std::vector<EvaluationTask>& tasks, std::vector<std::vector<std::size_t>>& groups) {
  std::vector<workloads::ModelAccounting> accounting;
  std::vector<double> hbm;
  for (const auto& s : problem.clusters) {
    accounting.push_back(account(s.run));
    hbm.push_back(topologies::find_accelerator(s.cluster.accelerator).hbm_bytes);
  }
  for (std::size_t u = shard.index; u < units.size(); u += shard.count) {
    std::vector<std::size_t> group;
    for (auto& task : units[u]) {
      ++result.candidate_layouts;
      const auto& base = problem.clusters[task.cluster];
      const double need =
          estimate_memory(apply_layout(base, task.layout).run, accounting[task.cluster],
                          base.cluster.device_count() / std::max(1, base.cluster.node_count()))
              .total_bytes();
      if (need > hbm[task.cluster]) {
        ++result.pruned_layouts;
        if (result.min_pruned_memory_bytes == 0 || need < result.min_pruned_memory_bytes)
          result.min_pruned_memory_bytes = need;
        continue;
      }
      group.push_back(tasks.size());
      tasks.push_back(std::move(task));
    }
    if (!group.empty()) groups.push_back(std::move(group));
  }
}

}  // namespace

PlanProblem read_plan_problem(const YAML::Node& root_node, const std::string& file,
                              const PlanCommandLine& cli) {
  PlanProblem p;
  p.file = file;
  p.root = root_node;
  const bool has_layout = static_cast<bool>(root_node["parallelism"]);
  if (!has_layout) {  // the planner picks it: a placeholder lets the run spec be read
    p.root = YAML::Clone(root_node);
    p.root["parallelism"]["data"] = 1;
  }
  const YamlMap root(p.root, file, "");
  sim::Scenario base;
  base.run = workloads::parse_run_spec(root);
  base.cluster = topologies::parse_cluster(root.map("cluster"));
  base.lines = workloads::KeyLines(p.root, file);
  const auto& run = base.run;
  if (run.simulation.padded_dispatch && (!run.model.is_moe() || run.model.capacity_factor <= 0))
    throw ConfigError(file, root.map("simulation").line_of("dispatch"), "simulation.dispatch",
                      "padded dispatch needs an MoE model with model.capacity_factor > 0");
  if (sim::chip_states(topologies::find_accelerator(base.cluster.accelerator), run.energy).empty() &&
      !run.energy.system_power_w_per_accelerator)
    throw ConfigError(file, root.map("cluster").line_of("accelerator"), "cluster.accelerator",
                      base.cluster.accelerator +
                          " has no chip power figure, and plan ranks layouts by energy: give "
                          "energy.chip_power (compute_bound_w, memory_bound_w, communication_w, idle_w) or "
                          "energy.system_power_w_per_accelerator");
  int devices_line = root.line_of("plan"), objective_line = devices_line;
  if (root.has("plan")) {
    const YamlMap section = root.map("plan");
    p.spec = parse_plan_section(section);
    devices_line = section.line_of("devices");
    objective_line = section.line_of("objective");
  }
  if (cli.objective) p.spec.objective = *cli.objective;
  if (cli.top) p.spec.top = *cli.top;
  if (!cli.devices.empty()) p.spec.devices = cli.devices;
  if (p.spec.objective == Objective::kCost && !run.cost.present)
    throw ConfigError(file, cli.objective ? 0 : objective_line,
                      cli.objective ? "--objective" : "plan.objective",
                      "the cost objective needs a cost section (cost.usd_per_accelerator_hour)");
  if (has_layout) {
    try {
      workloads::check_parallelism(run, base.cluster.device_count(), root);
      p.scenario_layout = Layout{base.cluster.device_count(), run.parallelism, run.training.recompute,
                                 run.simulation.overlap.ep_comm};
      p.scenario_layout_memory_bytes =
          estimate_memory(run, account(run),
                          base.cluster.device_count() / std::max(1, base.cluster.node_count()))
              .total_bytes();
    } catch (const ConfigError&) {
      // Not a valid layout of the scenario's own cluster: nothing to compare the plan with.
    }
  }
  p.hbm_bytes = topologies::find_accelerator(base.cluster.accelerator).hbm_bytes;
  if (p.spec.devices.empty()) p.spec.devices = {base.cluster.device_count()};
  for (const auto n : p.spec.devices) {
    sim::Scenario s = base;
    if (n != base.cluster.device_count())
      s.cluster = cluster_for(p, n, cli.devices.empty() ? devices_line : 0,
                              cli.devices.empty() ? "plan.devices" : "--devices");
    p.clusters.push_back(std::move(s));
  }
  return p;
}

PlanResult search_layouts(const PlanProblem& problem, const SearchOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  PlanResult result;
  std::vector<EvaluationTask> tasks;
  std::vector<std::vector<std::size_t>> groups;
  prune_shard(problem, options.shard, work_units(problem, result), result, tasks, groups);
  result.fitting_layouts = tasks.size();
  if (options.dry_run) {
    result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
  }
  // One evaluator per cluster that has layouts left, built before any fork.
  std::vector<std::unique_ptr<ClusterEvaluator>> owned(problem.clusters.size());
  std::vector<ClusterEvaluator*> evaluators(problem.clusters.size(), nullptr);
  for (const auto& t : tasks) {
    if (owned[t.cluster]) continue;
    owned[t.cluster] = std::make_unique<ClusterEvaluator>(problem.clusters[t.cluster], options.backend);
    evaluators[t.cluster] = owned[t.cluster].get();
  }
  auto evaluated = evaluate_tasks(tasks, groups, evaluators, options.jobs, options.progress);
  result.outcomes = std::move(evaluated.outcomes);
  result.cache = evaluated.cache;
  result.evaluated_layouts = result.outcomes.size();
  result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace moesim::plan
