// moesim — running the two simulations of a comparison.
#include "reports/compare.h"

#include <filesystem>

#include "workloads/model_zoo.h"
#include "workloads/scenario_overrides.h"

#include "reports/report_units.h"
#include "workloads/config_error.h"
#include "workloads/yaml_reader.h"

namespace moesim::reports {

bool is_memory_fit_error(const ConfigError& error) {
  const std::string what = error.what();
  return error.key() == "parallelism" && what.find("optimizer state") != std::string::npos &&
         what.find("per device") != std::string::npos;
}

bool against_is_scenario(const std::string& against) {
  const std::string ext = std::filesystem::path(against).extension().string();
  if (ext == ".yaml" || ext == ".yml") return true;
  std::error_code ec;
  return workloads::find_model_preset(against) == nullptr && std::filesystem::is_regular_file(against, ec);
}

namespace {

std::vector<std::string> all_overrides(const std::string& scenario_path, const CompareOptions& options) {
  std::vector<std::string> overrides = options.overrides;
  if (options.usd_per_accelerator_hour) {
    if (!(*options.usd_per_accelerator_hour >= 0))
      throw ConfigError(scenario_path, 0, "--usd-per-accelerator-hour", "a price >= 0 USD");
    overrides.push_back("cost.usd_per_accelerator_hour=" + exact_number(*options.usd_per_accelerator_hour));
  }
  return overrides;
}

/// Loads a scenario and applies the overrides (cloning only when there are some: it loses line marks).
YAML::Node resolved(const std::string& path, const std::vector<std::string>& overrides) {
  const YAML::Node root = load_yaml_file(path);
  return overrides.empty() ? root : workloads::apply_overrides(root, overrides, path);
}

nlohmann::json run_scenario_comparison(const std::string& scenario_path, const CompareOptions& options) {
  if (options.layout.tensor || options.layout.pipeline)
    throw ConfigError(options.against, 0, options.layout.tensor ? "--against-tensor" : "--against-pipeline",
                      "a dense model preset in --against; a scenario file is simulated with its own layout");
  const auto overrides = all_overrides(scenario_path, options);
  // Both files are read and checked before either simulation runs.
  const YAML::Node a = resolved(scenario_path, overrides);
  const YAML::Node b = resolved(options.against, overrides);
  read_scenario(b, options.against);
  const nlohmann::json ra = simulate_scenario(a, scenario_path, options.simulate);
  const nlohmann::json rb = simulate_scenario(b, options.against, options.simulate);
  return make_scenario_comparison(ra, rb, options.against);
}

}  // namespace

nlohmann::json run_comparison(const std::string& scenario_path, const CompareOptions& options) {
  if (against_is_scenario(options.against)) return run_scenario_comparison(scenario_path, options);
  const auto overrides = all_overrides(scenario_path, options);
  const YAML::Node root = workloads::apply_overrides(load_yaml_file(scenario_path), overrides, scenario_path);
  // The dense layouts first: a bad --against fails before any simulation runs.
  const auto candidates = dense_layout_candidates(root, scenario_path, options.against, options.layout);
  const nlohmann::json moe = simulate_scenario(root, scenario_path, options.simulate);

  std::string last_error;
  for (const auto& layout : candidates) {
    try {
      const nlohmann::json dense =
          simulate_scenario(dense_scenario(root, options.against, layout), scenario_path, options.simulate);
      return make_comparison(moe, dense, options.against, layout);
    } catch (const ConfigError& e) {
      if (!is_memory_fit_error(e)) throw;
      last_error = e.what();
    }
  }
  throw ConfigError(scenario_path, 0, "--against-pipeline",
                    "a pipeline depth at which " + options.against +
                        " fits in HBM; the deepest tried does not (" + last_error +
                        "); use more devices or --against-tensor");
}

}  // namespace moesim::reports
