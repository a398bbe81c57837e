// moesim — the report of one simulated step (`moesim simulate --report F.html|F.md`).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reports/scenario_run.h"

namespace moesim::reports {

/// The step as one self-contained HTML page (html_page.h: inline CSS and SVG, no script or external
/// resource): the timeline of the traced devices' streams (svg_timeline.h), charts of the step by activity,
/// of the exposed communication and idle time, of the all-to-all bytes per link tier and of the memory per
/// device against HBM, then the tables of step_tables() and the provenance. The page embeds the simulate
/// JSON `run.result`; the timeline and the link loads come from `run.timeline`.
std::string step_report_html(const SimulationOutput& run);

/// The same tables as Markdown, without the charts.
std::string step_report_markdown(const SimulationOutput& run);

/// Throws ConfigError naming `--report` unless `path` ends in .html, .htm, .md or .markdown.
void check_step_report_path(const std::string& path);

/// Writes the report `path`'s extension asks for; ConfigError naming `--report` when it cannot.
void write_step_report(const std::string& path, const SimulationOutput& run);

}  // namespace moesim::reports
