// moesim — running the two simulations of a comparison.
#include "reports/compare.h"
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

nlohmann::json run_comparison(const std::string& scenario_path, const CompareOptions& options) {
  std::vector<std::string> overrides = options.overrides;
  if (options.usd_per_accelerator_hour) {
    if (!(*options.usd_per_accelerator_hour >= 0))
      throw ConfigError(scenario_path, 0, "--usd-per-accelerator-hour", "a price >= 0 USD");
    overrides.push_back("cost.usd_per_accelerator_hour=" + exact_number(*options.usd_per_accelerator_hour));
  }
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
