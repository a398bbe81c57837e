// moesim — self-contained HTML reports with inline SVG charts.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace moesim::reports {

/// The comparison document (comparison.h) as one HTML file: headline ratios, the side-by-side table (every
/// number with its unit and its exact value in `data-value`), charts of the step-time breakdown (MoE vs
/// dense), all-to-all bytes per link tier, energy MoE vs dense and FLOPs per token, then provenance and the
/// dense layout rule. The document itself is embedded as JSON.
std::string compare_html(const nlohmann::json& comparison);

/// The sweep document (sweep_document.h) as one HTML file: curves of step time and throughput against the
/// first swept key (one line per combination of the other keys), the step-time breakdown of every point, and
/// the table of points (failed points with their error).
std::string sweep_html(const nlohmann::json& sweep);

}  // namespace moesim::reports
