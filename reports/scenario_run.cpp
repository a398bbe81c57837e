#include "reports/scenario_run.h"

#include <fstream>

#include "reports/step_json.h"
#include "reports/trace_writer.h"
#include "reports/yaml_json.h"
#include "topologies/cluster_spec.h"
#include "workloads/config_error.h"
#include "workloads/scenario_overrides.h"
#include "workloads/yaml_reader.h"

namespace moesim::reports {

sim::Scenario read_scenario(const YAML::Node& root_node, const std::string& file) {
  const YamlMap root(root_node, file, "");
  sim::Scenario s;
  s.run = workloads::parse_run_spec(root);
  s.cluster = topologies::parse_cluster(root.map("cluster"));
  workloads::check_parallelism(s.run, s.cluster.device_count(), root);
  const auto& run = s.run;
  if (run.simulation.padded_dispatch && (!run.model.is_moe() || run.model.capacity_factor <= 0)) {
    throw ConfigError(file, root.map("simulation").line_of("dispatch"), "simulation.dispatch",
                      "padded dispatch needs an MoE model with model.capacity_factor > 0");
  }
  s.lines = workloads::KeyLines(root_node, file);
  return s;
}

SimulationOutput run_scenario(const YAML::Node& root, const std::string& file,
                              const sim::SimulateOptions& options) {
  auto result = sim::simulate_step(read_scenario(root, file), options);
  nlohmann::json j = to_json(result);
  j["resolved_scenario"] = yaml_to_json(root);
  return {std::move(j), std::move(result.timeline), result.devices_per_simulated,
          std::move(result.link_tiers)};
}

SimulationOutput run_scenario_file(const std::string& path, const std::vector<std::string>& overrides,
                                   const sim::SimulateOptions& options) {
  // Cloning for overrides loses YAML line marks, so only clone when there is something to override.
  const YAML::Node root = load_yaml_file(path);
  return run_scenario(overrides.empty() ? root : workloads::apply_overrides(root, overrides, path), path,
                      options);
}

nlohmann::json simulate_scenario(const YAML::Node& root, const std::string& file,
                                 const sim::SimulateOptions& options, const std::string& trace_path) {
  auto opts = options;
  opts.keep_timeline = opts.keep_timeline || !trace_path.empty();
  auto out = run_scenario(root, file, opts);
  if (!trace_path.empty()) {
    std::ofstream trace(trace_path);
    if (!trace) throw ConfigError(trace_path, 0, "--trace", "cannot write the trace file");
    write_chrome_trace(trace, out.timeline, out.devices_per_simulated, out.link_tiers);
  }
  return std::move(out.result);
}

nlohmann::json simulate_scenario_file(const std::string& path, const std::vector<std::string>& overrides,
                                      const sim::SimulateOptions& options, const std::string& trace_path) {
  // As run_scenario_file: clone (and lose line marks) only when there is something to override.
  const YAML::Node root = load_yaml_file(path);
  return simulate_scenario(overrides.empty() ? root : workloads::apply_overrides(root, overrides, path), path,
                           options, trace_path);
}

}  // namespace moesim::reports
