// moesim — a scenario's YAML tree as JSON, for the `resolved_scenario` key of the result documents.
#pragma once

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

namespace moesim::reports {

/// `node` as JSON: mappings become objects, sequences arrays; a plain scalar that reads as an integer, a
/// finite number, true/false or null becomes that JSON value, any other scalar (quoted ones included, and
/// quantities such as "400 GB/s" or "600B") a string. Keys keep the text the scenario gives them.
nlohmann::json yaml_to_json(const YAML::Node& node);

}  // namespace moesim::reports
