// moesim kernels — nlohmann-json's SAX parser building the value and the line of each value.
#include "kernels/json_document.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iterator>
#include <vector>

#include "workloads/config_error.h"

namespace moesim::kernels {
namespace {

// A profile DB nests 3 levels and weighs a few hundred kB.
constexpr std::size_t kMaxDepth = 64;
constexpr std::size_t kMaxTextBytes = std::size_t{64} << 20;

/// A character iterator that records, in `*read`, how many characters the parser has consumed.
class CountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIterator(const char* at, const char* begin, std::size_t* read)
      : at_(at), begin_(begin), read_(read) {}
  reference operator*() const { return *at_; }
  CountingIterator& operator++() {
    ++at_;
    *read_ = static_cast<std::size_t>(at_ - begin_);
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const CountingIterator& other) const { return at_ == other.at_; }
  bool operator!=(const CountingIterator& other) const { return at_ != other.at_; }

 private:
  const char* at_;
  const char* begin_;
  std::size_t* read_;
};

/// Builds the nlohmann::json value from SAX events and notes the line of every value and key.
class LineSax : public nlohmann::json_sax<nlohmann::json> {
 public:
  LineSax(const std::string& text, const std::string& file, JsonDocument& doc)
      : text_(text), file_(file), doc_(doc) {
    for (std::size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') newlines_.push_back(i);
  }
  std::size_t* read() { return &read_; }

  bool null() override { return put(nullptr); }
  bool boolean(bool v) override { return put(v); }
  bool number_integer(number_integer_t v) override { return put(v); }
  bool number_unsigned(number_unsigned_t v) override { return put(v); }
  bool number_float(number_float_t v, const string_t&) override { return put(v); }
  bool string(string_t& v) override { return put(v); }
  bool binary(binary_t&) override { fail(current_line(), "no binary values"); }
  bool start_object(std::size_t) override { return open(nlohmann::json::object()); }
  bool start_array(std::size_t) override { return open(nlohmann::json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    const int line = current_line();
    if (stack_.back().value->contains(k)) fail(line, "no duplicate key \"" + k + "\"");
    key_ = k;
    doc_.lines[json_pointer_child(stack_.back().pointer, k)] = line;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
    std::string what = e.what();
    const auto at = what.find("syntax error");
    if (at != std::string::npos) what = what.substr(at);
    fail(line_at(std::min(position, text_.size())), "valid JSON (" + what + ")");
  }

 private:
  struct Open {
    nlohmann::json* value;
    std::string pointer;
  };

  [[noreturn]] void fail(int line, const std::string& expected) const {
    throw ConfigError(file_, line, "", "expected " + expected);
  }

  /// 1-based line of the character at `offset`.
  int line_at(std::size_t offset) const {
    return 1 +
           static_cast<int>(std::lower_bound(newlines_.begin(), newlines_.end(), offset) - newlines_.begin());
  }
  /// The line of the token just read: its last character (the lexer may have read one character past a
  /// number, which is white space or punctuation on the same line).
  int current_line() const {
    std::size_t p = read_ > 0 ? read_ - 1 : 0;
    while (p > 0 && std::isspace(static_cast<unsigned char>(text_[p]))) --p;
    return line_at(p);
  }

  /// Puts `v` where the parser stands: the root, the next array element or the value of the last key.
  /// Returns it and its pointer.
  Open place(nlohmann::json v) {
    const int line = current_line();
    Open out;
    if (stack_.empty()) {
      doc_.root = std::move(v);
      out = {&doc_.root, ""};
    } else if (nlohmann::json& parent = *stack_.back().value; parent.is_array()) {
      parent.push_back(std::move(v));
      out = {&parent.back(), stack_.back().pointer + "/" + std::to_string(parent.size() - 1)};
    } else {
      out = {&(parent[key_] = std::move(v)), json_pointer_child(stack_.back().pointer, key_)};
    }
    doc_.lines.emplace(out.pointer, line);
    return out;
  }
  bool put(nlohmann::json v) {
    place(std::move(v));
    return true;
  }
  bool open(nlohmann::json container) {
    if (stack_.size() >= kMaxDepth) fail(current_line(), "at most 64 levels of nested arrays and objects");
    stack_.push_back(place(std::move(container)));
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }

  const std::string& text_;
  const std::string& file_;
  JsonDocument& doc_;
  std::vector<std::size_t> newlines_;
  std::vector<Open> stack_;
  std::string key_;
  std::size_t read_ = 0;
};

}  // namespace

int JsonDocument::line(const std::string& pointer) const {
  const auto it = lines.find(pointer);
  return it == lines.end() ? 0 : it->second;
}

JsonDocument parse_json(const std::string& text, const std::string& file) {
  if (text.size() > kMaxTextBytes)
    throw ConfigError(file, 0, "", "expected a JSON document of at most 64 MiB");
  JsonDocument doc;
  LineSax sax(text, file, doc);
  const char* begin = text.data();
  nlohmann::json::sax_parse(CountingIterator(begin, begin, sax.read()),
                            CountingIterator(begin + text.size(), begin, sax.read()), &sax);
  return doc;
}

std::string json_pointer_child(const std::string& pointer, const std::string& key) {
  std::string out = pointer + "/";
  for (const char c : key)
    out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
  return out;
}

std::string json_quote(const std::string& s) {
  return nlohmann::json(s).dump();
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return nlohmann::json(static_cast<long long>(v)).dump();
  return nlohmann::json(v).dump();
}

}  // namespace moesim::kernels
