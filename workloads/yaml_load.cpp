// moesim — loading scenario YAML: bounded file reads, one document, and a tree without the ambiguities
// yaml-cpp lets through (duplicate keys, complex keys, invalid UTF-8, unbounded nesting or aliases).
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include "workloads/yaml_reader.h"

namespace moesim {
namespace {

constexpr std::string_view kOverrideTagPrefix = "tag:moesim,2024:override:";

int node_line(const YAML::Node& node) {
  const auto mark = node.Mark();
  return mark.line >= 0 ? mark.line + 1 : 0;
}

int mark_line(const YAML::Mark& mark) {
  return mark.line >= 0 ? mark.line + 1 : 0;
}

/// Offset of the first byte of `s` that is not well-formed UTF-8 (overlong forms, surrogates and code points
/// past U+10FFFF included), or npos.
std::size_t first_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07u;
    } else {
      return i;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return i;
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    const std::uint32_t min = n == 1 ? 0x80 : n == 2 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += n + 1;
  }
  return std::string_view::npos;
}

bool valid_utf8(std::string_view s) {
  return first_invalid_utf8(s) == std::string_view::npos;
}

}  // namespace

void check_yaml_text(const std::string& text, const std::string& file) {
  std::size_t bad = first_invalid_utf8(text);
  const char* why = "the file is not UTF-8 text; save it as UTF-8";
  for (std::size_t i = 0; i < text.size() && i < bad; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      bad = i;
      why = "the file holds a control character, which YAML does not allow";
      break;
    }
  }
  if (bad == std::string_view::npos) return;
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n');
  char byte[8];
  std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[bad]));
  throw ConfigError(file, static_cast<int>(line), "", std::string(why) + " (byte " + byte + ")");
}

namespace {

struct TreeChecker {
  const std::string& file;
  std::int64_t nodes = 0;

  [[noreturn]] void fail(const YAML::Node& at, const std::string& path, const std::string& why) const {
    if (auto origin = override_origin(at)) throw ConfigError(*origin, 0, path, why);
    throw ConfigError(file, node_line(at), path, why);
  }

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  void visit(const YAML::Node& node, const std::string& path, int depth) {
    if (++nodes > limits::kMaxYamlNodes) {
      fail(node, path,
           "the YAML holds more than " + std::to_string(limits::kMaxYamlNodes) +
               " values (aliases count each time they are used); a scenario needs a few hundred");
    }
    if (depth > limits::kMaxYamlDepth) {
      fail(node, path,
           "nested more than " + std::to_string(limits::kMaxYamlDepth) +
               " levels deep; a scenario nests at most 4");
    }
    if (node.IsScalar()) {
      if (!valid_utf8(node.Scalar()))
        fail(node, path, "expected UTF-8 text; the value holds bytes that are not UTF-8");
      return;
    }
    if (node.IsSequence()) {
      std::size_t i = 0;
      for (const auto& item : node) visit(item, path + "[" + std::to_string(i++) + "]", depth + 1);
      return;
    }
    if (!node.IsMap()) return;
    std::map<std::string, int> seen;  // key -> line of its first appearance
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) {
        fail(kv.first, path.empty() ? "<root>" : path,
             "expected a plain key (a name such as 'devices'), got a list or mapping used as a key");
      }
      const std::string key = kv.first.Scalar();
      if (!valid_utf8(key))
        fail(kv.first, path, "expected a UTF-8 key; the key holds bytes that are not UTF-8");
      const auto [it, fresh] = seen.emplace(key, node_line(kv.first));
      if (!fresh) {
        fail(kv.first, join(path, key),
             "given twice in the same mapping (first at line " + std::to_string(it->second) +
                 "); YAML keeps only one of them, so remove the other");
      }
      visit(kv.second, join(path, key), depth + 1);
    }
  }
};

/// Events of a document, ignored: only whether a second document starts, and where, matters.
class DocumentProbe : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
  }
  void OnMapEnd() override {}
  YAML::Mark start;
};

YAML::Node parse_document(const std::string& text, const std::string& file) {
  check_yaml_text(text, file);
  // Not YAML::LoadAll: on a stray token it never consumes (a line starting with ',') yaml-cpp 0.7 returns
  // empty documents forever. One document is read, then the parser is asked once whether another follows.
  YAML::Node root;
  try {
    root = YAML::Load(text);
    if (!root.IsMap())
      throw ConfigError(file, node_line(root), "", "expected a YAML mapping at the top level");
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentProbe probe;
    parser.HandleNextDocument(probe);
    if (parser.HandleNextDocument(probe)) {
      throw ConfigError(
          file, mark_line(probe.start), "",
          "expected one YAML document, found more (separated by '---'); put each scenario in its "
          "own file");
    }
  } catch (const YAML::Exception& e) {
    throw ConfigError(file, mark_line(e.mark), "", "malformed YAML: " + e.msg);
  }
  check_yaml_tree(root, file);
  return root;
}

}  // namespace

std::string override_tag(const std::string& option_text) {
  return std::string(kOverrideTagPrefix) + option_text;
}

std::optional<std::string> override_origin(const YAML::Node& node) {
  if (!node.IsDefined()) return std::nullopt;
  const std::string& tag = node.Tag();
  if (tag.compare(0, kOverrideTagPrefix.size(), kOverrideTagPrefix) != 0) return std::nullopt;
  return tag.substr(kOverrideTagPrefix.size());
}

void check_yaml_tree(const YAML::Node& node, const std::string& file, const std::string& path) {
  TreeChecker checker{file};
  checker.visit(node, path, 0);
}

YAML::Node load_yaml_text(const std::string& text, const std::string& file) {
  return parse_document(text, file);
}

YAML::Node load_yaml_file(const std::string& path) {
  // stat() first: opening a FIFO blocks, and /dev/zero or a device never ends.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw ConfigError(path, 0, "", "cannot open the file (does it exist and is it readable?)");
  }
  if (S_ISDIR(st.st_mode)) throw ConfigError(path, 0, "", "expected a YAML file, got a directory");
  if (!S_ISREG(st.st_mode)) {
    throw ConfigError(path, 0, "", "expected a regular YAML file, got a device, FIFO or socket");
  }
  if (st.st_size > limits::kMaxScenarioFileBytes) {
    throw ConfigError(path, 0, "",
                      "the file has " + std::to_string(st.st_size) + " bytes; a scenario may have at most " +
                          std::to_string(limits::kMaxScenarioFileBytes) + " (is this the right file?)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, 0, "", "cannot open the file (does it exist and is it readable?)");
  std::string text(static_cast<std::size_t>(limits::kMaxScenarioFileBytes) + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (static_cast<std::int64_t>(text.size()) > limits::kMaxScenarioFileBytes) {
    throw ConfigError(
        path, 0, "",
        "the file grew past " + std::to_string(limits::kMaxScenarioFileBytes) + " bytes while it was read");
  }
  return parse_document(text, path);
}

}  // namespace moesim
