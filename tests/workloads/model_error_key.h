// moesim tests — the dotted key a model section's error names, for tests of bad model keys.
#pragma once

#include <string>

#include "workloads/config_error.h"
#include "workloads/model_section.h"
#include "workloads/yaml_reader.h"

namespace moesim::workloads::test {

/// The key of the ConfigError that parsing `yaml` as a model section throws; "" when it parses.
inline std::string model_error_key(const std::string& yaml) {
  try {
    parse_model_section(YamlMap(YAML::Load(yaml), "t.yaml", "model"));
  } catch (const ConfigError& e) {
    return e.key();
  }
  return "";
}

}  // namespace moesim::workloads::test
