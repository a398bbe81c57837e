// moesim — `--set KEY=VALUE` overrides of a scenario, applied to its YAML before it is read.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace moesim::workloads {

/// Applies `KEY=VALUE` overrides (dotted keys into the scenario, e.g. `model.experts=32`,
/// `cluster.devices=256`, `parallelism.expert=32`) to a copy of `root`. A key whose parent mapping does
/// not exist is created; values are YAML scalars. Malformed overrides throw ConfigError naming `file`.
YAML::Node apply_overrides(const YAML::Node& root, const std::vector<std::string>& overrides,
                           const std::string& file);

}  // namespace moesim::workloads
