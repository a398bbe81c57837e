#include "workloads/scenario_overrides.h"

#include "workloads/config_error.h"
#include "workloads/yaml_reader.h"

namespace moesim::workloads {
namespace {

/// Tags `node` and everything under it as written by the override `origin`.
void tag_tree(YAML::Node node, const std::string& tag) {
  node.SetTag(tag);
  if (node.IsSequence()) {
    for (auto item : node) tag_tree(item, tag);
  } else if (node.IsMap()) {
    for (auto kv : node) tag_tree(kv.second, tag);
  }
}

YAML::Node child_of(const YAML::Node& map, const std::string& key) {
  for (const auto& kv : map) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

/// A new mapping with the entries of `map` (shared, with their lines) and `key` set to `value`. Nothing of
/// `map` is modified: assigning through a shared node would change the original tree too.
YAML::Node with_entry(const YAML::Node& map, const std::string& key, const YAML::Node& value) {
  YAML::Node out(YAML::NodeType::Map);
  out.SetTag(map.Tag());
  bool replaced = false;
  for (const auto& kv : map) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) {
      out.force_insert(kv.first, value);
      replaced = true;
    } else {
      out.force_insert(kv.first, kv.second);
    }
  }
  if (!replaced) out.force_insert(key, value);
  return out;
}

YAML::Node set_path(const YAML::Node& map, const std::vector<std::string>& parts, std::size_t i,
                    const YAML::Node& value, const std::string& option_text, const std::string& file) {
  if (i + 1 == parts.size()) return with_entry(map, parts[i], value);
  YAML::Node child = child_of(map, parts[i]);
  if (!child.IsDefined() || child.IsNull()) {
    child.reset(YAML::Node(YAML::NodeType::Map));  // reset(): `=` would overwrite the shared node itself
    child.SetTag(override_tag(option_text));
  } else if (!child.IsMap()) {
    throw ConfigError(option_text, 0, "",
                      "the override goes through '" + parts[i] + "', which is not a mapping in " + file);
  }
  return with_entry(map, parts[i], set_path(child, parts, i + 1, value, option_text, file));
}

}  // namespace

YAML::Node apply_overrides(const YAML::Node& root, const std::vector<std::string>& overrides,
                           const std::string& file, const std::string& option) {
  // Nodes are handles to shared data: assigning to one (`a = b`) rewrites the data every handle sees, so
  // handles are only rebound with reset() and new mappings are built beside the original.
  YAML::Node out = root;
  for (const auto& o : overrides) {
    const std::string option_text = option + " " + o;
    const auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0)
      throw ConfigError(option_text, 0, "", "expected KEY=VALUE, e.g. model.experts=32");
    const std::string key = o.substr(0, eq), value = o.substr(eq + 1);
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
      const auto dot = key.find('.', start);
      parts.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    for (const auto& p : parts) {
      if (p.empty()) throw ConfigError(option_text, 0, key, "expected a dotted key such as model.experts");
    }
    try {
      check_yaml_text(value, option_text);
    } catch (const ConfigError&) {
      throw ConfigError(option_text, 0, key, "expected UTF-8 text without control characters");
    }
    YAML::Node v;
    try {
      v.reset(YAML::Load(value));
    } catch (const YAML::Exception& e) {
      throw ConfigError(option_text, 0, key, "the value is not valid YAML: " + e.msg);
    }
    const std::string tag = override_tag(option_text);
    tag_tree(v, tag);
    check_yaml_tree(v, option_text, key);
    if (!out.IsMap()) throw ConfigError(file, 0, "", "expected a YAML mapping at the top level");
    out.reset(set_path(out, parts, 0, v, option_text, file));
  }
  return out;
}

}  // namespace moesim::workloads
