#include "kernels/json_value.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "workloads/config_error.h"

namespace moesim::kernels {
namespace {

// A profile DB nests 3 levels and weighs a few hundred kB; the recursive parser must not run off the stack
// on a hostile file, nor hold one larger than this.
constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxTextBytes = std::size_t{64} << 20;

class Parser {
 public:
  Parser(const std::string& text, const std::string& file) : s_(text), file_(file) {}

  JsonValue parse_document() {
    if (s_.size() > kMaxTextBytes) fail("a JSON document of at most 64 MiB");
    JsonValue v = value();
    skip_ws();
    if (pos_ != s_.size()) fail("end of input after the top-level value");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& expected) {
    throw ConfigError(file_, line_, "", "expected " + expected);
  }

  void skip_ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      if (s_[pos_] == '\n') ++line_;
      ++pos_;
    }
  }

  bool consume(char c) {
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  JsonValue value() {
    skip_ws();
    if (pos_ >= s_.size()) fail("a JSON value");
    JsonValue v;
    v.line = line_;
    const char c = s_[pos_];
    if ((c == '{' || c == '[') && depth_ >= kMaxDepth) fail("at most 64 levels of nested arrays and objects");
    const DepthGuard guard(depth_);
    if (c == '{') {
      v.type = JsonValue::Type::kObject;
      ++pos_;
      if (consume('}')) return v;
      do {
        skip_ws();
        if (pos_ >= s_.size() || s_[pos_] != '"') fail("a string key");
        std::string key = string_literal();
        if (!consume(':')) fail("':' after key \"" + key + "\"");
        if (v.object.count(key)) fail("no duplicate key \"" + key + "\"");
        v.object.emplace(key, value());
      } while (consume(','));
      if (!consume('}')) fail("',' or '}' in an object");
    } else if (c == '[') {
      v.type = JsonValue::Type::kArray;
      ++pos_;
      if (consume(']')) return v;
      do v.array.push_back(value());
      while (consume(','));
      if (!consume(']')) fail("',' or ']' in an array");
    } else if (c == '"') {
      v.type = JsonValue::Type::kString;
      v.string = string_literal();
    } else if (s_.compare(pos_, 4, "true") == 0) {
      v.type = JsonValue::Type::kBool, v.boolean = true, pos_ += 4;
    } else if (s_.compare(pos_, 5, "false") == 0) {
      v.type = JsonValue::Type::kBool, pos_ += 5;
    } else if (s_.compare(pos_, 4, "null") == 0) {
      pos_ += 4;
    } else {
      const char* begin = s_.c_str() + pos_;
      char* end = nullptr;
      v.number = std::strtod(begin, &end);
      if (end == begin) fail("a JSON value");
      v.type = JsonValue::Type::kNumber;
      pos_ += static_cast<size_t>(end - begin);
    }
    return v;
  }

  std::string string_literal() {
    ++pos_;  // opening quote
    std::string out;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      char c = s_[pos_++];
      if (c == '\n') fail("a closing '\"' before the end of the line");
      if (c == '\\') {
        if (pos_ >= s_.size()) break;
        const char e = s_[pos_++];
        switch (e) {
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'r':
            out += '\r';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'u': {
            if (pos_ + 4 > s_.size()) fail("four hex digits after \\u");
            const long cp = std::strtol(s_.substr(pos_, 4).c_str(), nullptr, 16);
            if (cp > 0x7f) fail("an ASCII \\u escape");
            out += static_cast<char>(cp);
            pos_ += 4;
            break;
          }
          default:
            out += e;
        }
      } else {
        out += c;
      }
    }
    if (pos_ >= s_.size()) fail("a closing '\"'");
    ++pos_;
    return out;
  }

  struct DepthGuard {
    explicit DepthGuard(int& depth) : depth_(depth) { ++depth_; }
    ~DepthGuard() { --depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    int& depth_;
  };

  const std::string& s_;
  const std::string& file_;
  size_t pos_ = 0;
  int line_ = 1;
  int depth_ = 0;
};

}  // namespace

const JsonValue* JsonValue::find(const std::string& key) const {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &it->second;
}

JsonValue parse_json(const std::string& text, const std::string& file) {
  return Parser(text, file).parse_document();
}

std::string json_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  for (int digits = 15; digits <= 17; ++digits) {  // fewest digits that read back as the same double
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

}  // namespace moesim::kernels
