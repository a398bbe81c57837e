// moesim — strict reading of YAML mappings: every key known, every value typed and bounded.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "workloads/config_error.h"
#include "workloads/limits.h"
#include "workloads/units.h"

namespace moesim {

/// Which values a numeric key accepts.
enum class Bound { kAny, kNonNegative, kPositive };

/// Loads a YAML file; a missing file or a syntax error becomes a ConfigError naming the file and line. Only a
/// regular file of at most limits::kMaxScenarioFileBytes is read (a FIFO or /dev/zero is refused before it is
/// opened); it must hold one document whose root is a mapping, and pass check_yaml_tree().
YAML::Node load_yaml_file(const std::string& path);

/// Parses YAML text as load_yaml_file() does (one document, a mapping at the root, check_yaml_tree());
/// `file` names it in messages.
YAML::Node load_yaml_text(const std::string& text, const std::string& file);

/// Rejects text that must not reach yaml-cpp: bytes that are not UTF-8 (yaml-cpp 0.7 loops forever on some)
/// and control characters YAML does not allow (C0 but tab, line feed, carriage return; DEL). Throws
/// ConfigError naming `file` and the line of the first such byte.
void check_yaml_text(const std::string& text, const std::string& file);

/// Rejects what yaml-cpp accepts but a scenario must not hold: a key given twice in one mapping (yaml-cpp
/// keeps the first silently), a key that is a list or mapping, text that is not UTF-8, nesting deeper than
/// limits::kMaxYamlDepth, or more than limits::kMaxYamlNodes nodes (aliases counted each time they are
/// used). `path` is the dotted name of `node` ("" for the root). Throws ConfigError naming file, line, key.
void check_yaml_tree(const YAML::Node& node, const std::string& file, const std::string& path = "");

/// The YAML tag that apply_overrides() puts on the nodes an override wrote, so that errors about them name
/// the option (`option_text`, e.g. "--set model.experts=abc") rather than a line of the file.
std::string override_tag(const std::string& option_text);
/// The option text of a node written by an override, or nullopt.
std::optional<std::string> override_origin(const YAML::Node& node);

/// A strict view of one YAML mapping (a section of a scenario). Each accessor marks its key as used and
/// throws ConfigError (file, line, dotted key, what was expected) on a wrong type, a bad unit or a value out
/// of bounds. `finish()` rejects keys nobody asked for, so a typo never becomes a silent default.
class YamlMap {
 public:
  /// `path` is the dotted name of this mapping (`""` for the document root, `model`, `cluster.fabric`).
  YamlMap(const YAML::Node& node, std::string file, std::string path);

  bool has(const std::string& key) const;

  /// A quantity of dimension `unit` in SI units. A dimensioned value needs its unit suffix; the value must
  /// lie in quantity_range(unit), or at most `max` when given.
  double quantity(const std::string& key, Unit unit, Bound bound = Bound::kPositive,
                  std::optional<double> max = std::nullopt) const;
  std::optional<double> optional_quantity(const std::string& key, Unit unit, Bound bound = Bound::kPositive,
                                          std::optional<double> max = std::nullopt) const;

  /// A whole number of at most `max`.
  std::int64_t integer(const std::string& key, Bound bound = Bound::kPositive,
                       std::int64_t max = limits::kMaxWholeNumber) const;
  std::optional<std::int64_t> optional_integer(const std::string& key, Bound bound = Bound::kPositive,
                                               std::int64_t max = limits::kMaxWholeNumber) const;
  std::vector<std::int64_t> integer_list(const std::string& key, Bound bound = Bound::kPositive,
                                         std::int64_t max = limits::kMaxWholeNumber) const;

  std::string string(const std::string& key) const;
  std::optional<std::string> optional_string(const std::string& key) const;
  /// A string that must be one of `allowed`.
  std::string choice(const std::string& key, const std::vector<std::string>& allowed) const;
  std::optional<std::string> optional_choice(const std::string& key,
                                             const std::vector<std::string>& allowed) const;

  bool boolean(const std::string& key) const;
  std::optional<bool> optional_boolean(const std::string& key) const;

  YamlMap map(const std::string& key) const;
  std::optional<YamlMap> optional_map(const std::string& key) const;
  /// The raw node of `key` (marked used); for values whose shape the caller checks itself.
  YAML::Node raw(const std::string& key) const;

  /// Throws ConfigError for the first key that no accessor asked for, listing the known keys.
  void finish(const std::vector<std::string>& known_keys_for_message = {}) const;

  /// Throws ConfigError for `key` with `expected` as the explanation.
  [[noreturn]] void fail(const std::string& key, const std::string& expected) const;

  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  /// Dotted name of `key` inside this mapping.
  std::string key_path(const std::string& key) const;
  /// 1-based line of `key` (or of the mapping itself when the key is absent); 0 when unknown.
  int line_of(const std::string& key) const;

 private:
  YAML::Node scalar(const std::string& key) const;
  void check_bound(const std::string& key, double value, Bound bound) const;
  void check_max(const std::string& key, double value, double max, const std::string& max_text) const;

  YAML::Node node_;
  std::string file_;
  std::string path_;
  mutable std::set<std::string> used_;
};

}  // namespace moesim
