// moesim — where a command's JSON document goes: a file, or stdout for `--json -`; its schema version.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace moesim::reports {

/// The layout version of every JSON result document (`schema_version`): raised when a key changes meaning or
/// goes away. Version 2 added `schema_version` itself, `resolved_scenario`, the validate document object and
/// the compare document's `sides`.
inline constexpr int kJsonSchemaVersion = 2;

/// The `--json` argument that means "write the document to stdout".
inline constexpr const char* kStdoutPath = "-";

/// `doc` with `schema_version` set (an object; anything else is returned unchanged).
nlohmann::json with_schema_version(nlohmann::json doc);

/// Writes with_schema_version(doc), indented by `indent`, to `path`, or to stdout when `path` is "-".
/// Throws ConfigError (key `option`) for a file that cannot be written.
void write_json_output(const std::string& path, const nlohmann::json& doc, const std::string& option,
                       int indent = 2);

/// Checks, before any simulation runs, that `path` ("-" aside) can be a file: its directory exists and it is
/// not itself a directory. Throws ConfigError (key `option`) otherwise.
void check_json_output_path(const std::string& path, const std::string& option);

/// The stream for a command's human-readable text: stderr when its JSON goes to stdout (`json_path` "-"),
/// so that stdout holds one JSON document, else stdout.
std::ostream& text_output(const std::string& json_path);

}  // namespace moesim::reports
