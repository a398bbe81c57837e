#include "workloads/key_lines.h"

#include "workloads/config_error.h"

namespace moesim::workloads {

KeyLines::KeyLines(const YAML::Node& root, std::string file) : file_(std::move(file)) {
  if (root.IsMap()) record(root, "");
}

void KeyLines::record(const YAML::Node& map, const std::string& prefix) {
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) continue;
    const std::string key = prefix + kv.first.as<std::string>();
    const auto mark = kv.first.Mark();
    lines_.emplace(key, mark.line >= 0 ? mark.line + 1 : 0);
    if (kv.second.IsMap()) record(kv.second, key + ".");
  }
}

int KeyLines::line_of(const std::string& key) const {
  for (std::string k = key;;) {
    if (const auto it = lines_.find(k); it != lines_.end()) return it->second;
    const auto dot = k.rfind('.');
    if (dot == std::string::npos) return 0;
    k.resize(dot);
  }
}

void KeyLines::fail(const std::string& key, const std::string& expected) const {
  throw ConfigError(file_, line_of(key), key, expected);
}

}  // namespace moesim::workloads
