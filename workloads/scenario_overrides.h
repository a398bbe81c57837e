// moesim — `--set KEY=VALUE` overrides of a scenario, applied to its YAML before it is read.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace moesim::workloads {

/// Applies `KEY=VALUE` overrides (dotted keys into the scenario, e.g. `model.experts=32`,
/// `cluster.devices=256`, `parallelism.expert=32`) and returns the result; `root` itself is not changed.
/// A key whose parent mapping does not exist is created; values are YAML. Everything the file gave keeps
/// its line, and every node an override wrote is tagged (override_tag() in yaml_reader.h), so that a later
/// error about it names the option (`--set model.experts=abc`) instead of the file. Malformed overrides
/// (no `=`, a path through a non-mapping, a value that is not valid YAML) throw ConfigError naming the
/// option; `file` is the scenario, named where the path meets a non-mapping there.
YAML::Node apply_overrides(const YAML::Node& root, const std::vector<std::string>& overrides,
                           const std::string& file, const std::string& option = "--set");

}  // namespace moesim::workloads
