// moesim — YAML to JSON conversion.
#include "reports/yaml_json.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

namespace moesim::reports {
namespace {

/// The JSON value of a plain (unquoted) YAML scalar.
nlohmann::json plain_scalar(const std::string& text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
  const char* begin = text.data();
  const char* end = begin + text.size();
  std::int64_t i = 0;
  if (const auto r = std::from_chars(begin, end, i); r.ec == std::errc() && r.ptr == end) return i;
  double d = 0;
  if (const auto r = std::from_chars(begin, end, d, std::chars_format::general);
      r.ec == std::errc() && r.ptr == end && std::isfinite(d))
    return d;
  return text;
}

}  // namespace

nlohmann::json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& kv : node) out[kv.first.Scalar()] = yaml_to_json(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(yaml_to_json(item));
      return out;
    }
    case YAML::NodeType::Scalar:
      return node.Tag() == "!" ? nlohmann::json(node.Scalar()) : plain_scalar(node.Scalar());
    default:
      return nullptr;
  }
}

}  // namespace moesim::reports
