// moesim kernels — JSON for the profile DB: nlohmann-json values, plus the line each value and key starts on
// so that errors name the line, and limits on hostile input.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace moesim::kernels {

/// A parsed JSON text: the value, and the line (1-based) where each value starts and each object key
/// stands, by JSON pointer ("" for the root, "/entries/3/median_s").
struct JsonDocument {
  nlohmann::json root;
  std::map<std::string, int> lines;

  /// The line of the value at `pointer`, or 0 when unknown.
  int line(const std::string& pointer) const;
};

/// Parses `text` (from `file`, for messages). A syntax error, a duplicate key, more than 64 levels of nested
/// arrays and objects or a text over 64 MiB throws ConfigError(file, line, "", what was expected).
JsonDocument parse_json(const std::string& text, const std::string& file);

/// `pointer` with one more reference token: `key` escaped as RFC 6901 asks ("~0", "~1").
std::string json_pointer_child(const std::string& pointer, const std::string& key);

/// JSON string literal of `s` (quotes and escapes).
std::string json_quote(const std::string& s);
/// The shortest decimal of `v` that reads back exactly; non-finite values are written as null.
std::string json_number(double v);

}  // namespace moesim::kernels
