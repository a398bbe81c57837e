// moesim — writing JSON documents to files or stdout.
#include "reports/json_output.h"

#include <filesystem>
#include <fstream>
#include <iostream>

#include "workloads/config_error.h"

namespace moesim::reports {

nlohmann::json with_schema_version(nlohmann::json doc) {
  if (doc.is_object()) doc["schema_version"] = kJsonSchemaVersion;
  return doc;
}

void write_json_output(const std::string& path, const nlohmann::json& doc, const std::string& option,
                       int indent) {
  const std::string text = with_schema_version(doc).dump(indent) + "\n";
  if (path == kStdoutPath) {
    std::cout << text << std::flush;
    return;
  }
  std::ofstream out(path, std::ios::binary);
  if (!out) throw ConfigError(path, 0, option, "a file that can be written (does its directory exist?)");
  out << text;
  if (!out) throw ConfigError(path, 0, option, "a file that can be written");
}

void check_json_output_path(const std::string& path, const std::string& option) {
  if (path.empty() || path == kStdoutPath) return;
  const std::filesystem::path p(path);
  if (std::filesystem::is_directory(p)) throw ConfigError(path, 0, option, "a file name, got a directory");
  const auto dir = p.parent_path();
  if (!dir.empty() && !std::filesystem::is_directory(dir))
    throw ConfigError(path, 0, option,
                      "a file in an existing directory (" + dir.string() + " does not exist)");
}

std::ostream& text_output(const std::string& json_path) {
  return json_path == kStdoutPath ? std::cerr : std::cout;
}

}  // namespace moesim::reports
