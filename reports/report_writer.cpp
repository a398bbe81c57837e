// moesim — choosing the renderer by file extension.
#include "reports/report_writer.h"

#include <filesystem>
#include <fstream>

#include "reports/csv_writer.h"
#include "reports/html_report.h"
#include "reports/json_output.h"
#include "reports/markdown_report.h"
#include "workloads/config_error.h"

namespace moesim::reports {

void check_report_path(const std::string& path, const std::string& option) {
  const std::string ext = std::filesystem::path(path).extension().string();
  for (const char* ok : {".md", ".markdown", ".html", ".htm", ".csv", ".json"})
    if (ext == ok) return;
  throw ConfigError(path, 0, option, "a file name ending in .html, .md, .csv or .json");
}

std::string render_report(const std::string& path, const nlohmann::json& doc, const std::string& option) {
  const std::string ext = std::filesystem::path(path).extension().string();
  const bool sweep = doc.value("kind", "") == "moesim-sweep";
  if (ext == ".md" || ext == ".markdown") return sweep ? sweep_markdown(doc) : compare_markdown(doc);
  if (ext == ".html" || ext == ".htm") return sweep ? sweep_html(doc) : compare_html(doc);
  if (ext == ".csv") return sweep ? sweep_csv(doc) : compare_csv(doc);
  if (ext == ".json") return with_schema_version(doc).dump(2) + "\n";
  check_report_path(path, option);
  return "";
}

void write_report(const std::string& path, const nlohmann::json& doc, const std::string& option) {
  const std::string text = render_report(path, doc, option);
  std::ofstream out(path, std::ios::binary);
  if (!out) throw ConfigError(path, 0, option, "a file that can be written (does its directory exist?)");
  out << text;
  if (!out) throw ConfigError(path, 0, option, "a file that can be written");
}

}  // namespace moesim::reports
