// moesim kernels — a small JSON reader and writer (RFC 8259 subset: no \u escapes beyond ASCII) for the
// profile DB, so the kernels build with the standard library alone (no nlohmann on the GPU machine).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace moesim::kernels {

/// One parsed JSON value; `line` is where it starts (1-based), for error messages.
struct JsonValue {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  double number = 0.0;
  std::string string;
  std::vector<JsonValue> array;
  std::map<std::string, JsonValue> object;
  int line = 0;

  const JsonValue* find(const std::string& key) const;
};

/// Parses `text`; a syntax error throws ConfigError(file, line, "", what was expected).
JsonValue parse_json(const std::string& text, const std::string& file);

/// JSON string literal of `s` (quotes and escapes).
std::string json_quote(const std::string& s);
/// Decimal of `v` with the fewest of 15–17 significant digits that reads back exactly; non-finite values are
/// written as null.
std::string json_number(double v);

}  // namespace moesim::kernels
