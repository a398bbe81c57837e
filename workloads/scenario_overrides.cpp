#include "workloads/scenario_overrides.h"

#include "workloads/config_error.h"

namespace moesim::workloads {

YAML::Node apply_overrides(const YAML::Node& root, const std::vector<std::string>& overrides,
                           const std::string& file) {
  YAML::Node copy = YAML::Clone(root);
  for (const auto& o : overrides) {
    const auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0)
      throw ConfigError(file, 0, o, "override must be KEY=VALUE, e.g. model.experts=32");
    const std::string key = o.substr(0, eq), value = o.substr(eq + 1);
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
      const auto dot = key.find('.', start);
      parts.push_back(key.substr(start, dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    std::vector<YAML::Node> chain{copy};
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      YAML::Node next = chain.back()[parts[i]];
      if (!next.IsDefined() || next.IsNull()) {
        chain.back()[parts[i]] = YAML::Node(YAML::NodeType::Map);
        next = chain.back()[parts[i]];
      }
      if (!next.IsMap())
        throw ConfigError(file, 0, key, "override goes through '" + parts[i] + "', which is not a mapping");
      chain.push_back(next);
    }
    YAML::Node v;
    try {
      v = YAML::Load(value);
    } catch (const YAML::Exception& e) {
      throw ConfigError(file, 0, key, "override value is not valid YAML: " + e.msg);
    }
    chain.back()[parts.back()] = v;
  }
  return copy;
}

}  // namespace moesim::workloads
