// moesim — writes a comparison or sweep document in the format its file name asks for.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace moesim::reports {

/// The document (kind moesim-compare or moesim-sweep) rendered for `path`'s extension: .md / .markdown
/// (Markdown), .html / .htm (self-contained HTML), .csv, .json (the document itself with its schema_version,
/// indented). Throws ConfigError (key `option`, e.g. "--report") for another extension or a file that cannot
/// be written.
void write_report(const std::string& path, const nlohmann::json& doc, const std::string& option);

/// Throws the ConfigError write_report() would throw for `path`'s extension (check before simulating).
void check_report_path(const std::string& path, const std::string& option);

/// The rendering write_report() would write, without writing it.
std::string render_report(const std::string& path, const nlohmann::json& doc, const std::string& option);

}  // namespace moesim::reports
