// moesim — the frame of every HTML report: one self-contained file, inline CSS and SVG, no scripts to run.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace moesim::reports {

/// A complete HTML document (XHTML-style: every element closed, so it also parses as XML after the doctype)
/// with `title`, the `body_html` fragment, and `data` embedded as
/// `<script type="application/json" id="moesim-data">` (with <, > and & escaped as \u003c, \u003e, \u0026) so
/// that every number shown can be traced to the simulation output. No external script, style sheet or font.
std::string html_page(const std::string& title, const std::string& body_html, const nlohmann::json& data);

/// A table cell holding `value` formatted for display with `data-key`, `data-run` and the exact
/// `data-value` (empty cell text "n/a" and no data-value when absent).
std::string html_value_cell(const std::string& key, const std::string& run,
                            const std::optional<double>& value, const std::string& display);

}  // namespace moesim::reports
