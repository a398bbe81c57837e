#include "workloads/yaml_reader.h"

#include <cmath>
#include <sstream>

namespace moesim {
namespace {

int node_line(const YAML::Node& node) {
  const auto mark = node.Mark();
  return mark.line >= 0 ? mark.line + 1 : 0;
}

/// A key's text; check_yaml_tree() rejects non-scalar keys, this never throws on one it did not see.
std::string key_text(const YAML::Node& key) {
  return key.IsScalar() ? key.Scalar() : std::string("<complex key>");
}

std::string number_text(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

std::string bound_text(Bound bound) {
  switch (bound) {
    case Bound::kPositive:
      return " greater than zero";
    case Bound::kNonNegative:
      return " of zero or more";
    case Bound::kAny:
      return "";
  }
  return "";
}

}  // namespace

YamlMap::YamlMap(const YAML::Node& node, std::string file, std::string path)
    : node_(node), file_(std::move(file)), path_(std::move(path)) {
  if (!node_.IsMap()) {
    throw ConfigError(file_, node_line(node_), path_.empty() ? "<root>" : path_,
                      "expected a mapping of keys");
  }
}

std::string YamlMap::key_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

int YamlMap::line_of(const std::string& key) const {
  for (const auto& kv : node_) {
    if (key_text(kv.first) == key) return node_line(kv.first);
  }
  if (const int line = node_line(node_); line > 0) return line;
  for (const auto& kv : node_) {  // a mapping rebuilt by an override has no mark of its own
    if (const int line = node_line(kv.first); line > 0) return line;
  }
  return 0;
}

void YamlMap::fail(const std::string& key, const std::string& expected) const {
  // A value written by --set (or a key missing from a mapping an override created) is the option's fault.
  auto origin = node_.IsMap() && node_[key] ? override_origin(node_[key]) : std::nullopt;
  if (!origin && !node_[key]) origin = override_origin(node_);
  if (origin) throw ConfigError(*origin, 0, key_path(key), expected);
  throw ConfigError(file_, line_of(key), key_path(key), expected);
}

bool YamlMap::has(const std::string& key) const {
  return static_cast<bool>(node_[key]);
}

YAML::Node YamlMap::scalar(const std::string& key) const {
  YAML::Node value = node_[key];
  if (!value) fail(key, "is required but missing");
  used_.insert(key);
  if (!value.IsScalar()) fail(key, "expected a single value, got a list or mapping");
  return value;
}

void YamlMap::check_bound(const std::string& key, double value, Bound bound) const {
  if ((bound == Bound::kPositive && !(value > 0)) || (bound == Bound::kNonNegative && !(value >= 0))) {
    std::ostringstream msg;
    msg << "expected a value" << bound_text(bound) << ", got " << node_[key].as<std::string>();
    fail(key, msg.str());
  }
}

void YamlMap::check_max(const std::string& key, double value, double max, const std::string& max_text) const {
  if (value > max) {
    fail(key, "expected at most " + max_text + ", got " + node_[key].as<std::string>() +
                  " (larger values are beyond what moesim models)");
  }
}

double YamlMap::quantity(const std::string& key, Unit unit, Bound bound, std::optional<double> max) const {
  const std::string text = scalar(key).as<std::string>();
  auto value = parse_quantity(text, unit);
  if (!value && needs_unit(unit) && is_plain_number(text)) {
    fail(key, "expected " + std::string(unit_examples(unit)) + ", got '" + text +
                  "': a bare number has no unit; write the unit after it");
  }
  if (!value) fail(key, "expected " + std::string(unit_examples(unit)) + ", got '" + text + "'");
  check_bound(key, *value, bound);
  const QuantityRange range = quantity_range(unit);
  if (*value > 0 && *value < range.min_positive) {
    fail(key, "expected " + std::string(unit_examples(unit)) + " of at least " +
                  number_text(range.min_positive) + " " + std::string(unit_name(unit)) + ", got '" + text +
                  "'");
  }
  if (max) {
    check_max(key, *value, *max, number_text(*max));
  } else {
    check_max(key, *value, range.max, std::string(range.max_text));
  }
  return *value;
}

std::optional<double> YamlMap::optional_quantity(const std::string& key, Unit unit, Bound bound,
                                                 std::optional<double> max) const {
  if (!has(key)) return std::nullopt;
  return quantity(key, unit, bound, max);
}

std::int64_t YamlMap::integer(const std::string& key, Bound bound, std::int64_t max) const {
  const std::string text = scalar(key).as<std::string>();
  auto value = parse_quantity(text, Unit::kCount);
  if (!value || std::floor(*value) != *value) fail(key, "expected a whole number, got '" + text + "'");
  check_bound(key, *value, bound);
  check_max(key, *value, static_cast<double>(max), std::to_string(max));
  return static_cast<std::int64_t>(*value);
}

std::optional<std::int64_t> YamlMap::optional_integer(const std::string& key, Bound bound,
                                                      std::int64_t max) const {
  if (!has(key)) return std::nullopt;
  return integer(key, bound, max);
}

std::vector<std::int64_t> YamlMap::integer_list(const std::string& key, Bound bound, std::int64_t max) const {
  YAML::Node value = node_[key];
  if (!value) fail(key, "is required but missing");
  used_.insert(key);
  if (!value.IsSequence()) fail(key, "expected a list of whole numbers such as [4, 4, 4]");
  std::vector<std::int64_t> out;
  for (const auto& item : value) {
    auto v = item.IsScalar() ? parse_quantity(item.as<std::string>(), Unit::kCount) : std::nullopt;
    if (!v || std::floor(*v) != *v) fail(key, "expected a list of whole numbers such as [4, 4, 4]");
    if ((bound == Bound::kPositive && *v <= 0) || (bound == Bound::kNonNegative && *v < 0)) {
      fail(key, "expected every element" + bound_text(bound));
    }
    if (*v > static_cast<double>(max))
      fail(key, "expected every element to be at most " + std::to_string(max));
    out.push_back(static_cast<std::int64_t>(*v));
  }
  return out;
}

std::string YamlMap::string(const std::string& key) const {
  return scalar(key).as<std::string>();
}

std::optional<std::string> YamlMap::optional_string(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  return string(key);
}

std::string YamlMap::choice(const std::string& key, const std::vector<std::string>& allowed) const {
  std::string value = string(key);
  for (const auto& a : allowed) {
    if (a == value) return value;
  }
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  fail(key, "expected one of {" + list + "}, got '" + value + "'");
}

std::optional<std::string> YamlMap::optional_choice(const std::string& key,
                                                    const std::vector<std::string>& allowed) const {
  if (!has(key)) return std::nullopt;
  return choice(key, allowed);
}

bool YamlMap::boolean(const std::string& key) const {
  YAML::Node value = scalar(key);
  bool out = false;
  if (!YAML::convert<bool>::decode(value, out)) {
    fail(key, "expected true or false, got '" + value.as<std::string>() + "'");
  }
  return out;
}

std::optional<bool> YamlMap::optional_boolean(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  return boolean(key);
}

YamlMap YamlMap::map(const std::string& key) const {
  YAML::Node value = node_[key];
  if (!value) fail(key, "is required but missing");
  used_.insert(key);
  if (!value.IsMap()) fail(key, "expected a mapping of keys");
  return YamlMap(value, file_, key_path(key));
}

std::optional<YamlMap> YamlMap::optional_map(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  return map(key);
}

YAML::Node YamlMap::raw(const std::string& key) const {
  used_.insert(key);
  return node_[key];
}

void YamlMap::finish(const std::vector<std::string>& known_keys_for_message) const {
  for (const auto& kv : node_) {
    const std::string key = key_text(kv.first);
    if (used_.count(key)) continue;
    std::string msg = "unknown key";
    if (!known_keys_for_message.empty()) {
      msg += "; known keys here are:";
      for (const auto& k : known_keys_for_message) msg += " " + k;
    }
    if (auto origin = override_origin(kv.second)) throw ConfigError(*origin, 0, key_path(key), msg);
    throw ConfigError(file_, node_line(kv.first), key_path(key), msg);
  }
}

}  // namespace moesim
