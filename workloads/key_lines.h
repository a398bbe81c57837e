// moesim — where each key of a scenario file stands, so that checks made after parsing (by the simulation,
// which takes typed input) still name the file, the line and the key.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>

namespace moesim::workloads {

/// The line of every dotted key of a scenario (`training.precision`, `compute.profile`, ...).
class KeyLines {
 public:
  KeyLines() = default;
  /// Records every key of the mapping `root` and of the mappings below it.
  KeyLines(const YAML::Node& root, std::string file);

  const std::string& file() const { return file_; }
  /// The line of `key`, else of its closest enclosing section, else 0.
  int line_of(const std::string& key) const;
  /// Throws ConfigError naming the file, the line of `key` and `key`.
  [[noreturn]] void fail(const std::string& key, const std::string& expected) const;

 private:
  void record(const YAML::Node& map, const std::string& prefix);
  std::string file_;
  std::map<std::string, int> lines_;
};

}  // namespace moesim::workloads
