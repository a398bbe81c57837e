// moesim — Markdown reports (terminals, code reviews) of comparisons and sweeps.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace moesim::reports {

/// The comparison document (comparison.h) as Markdown: provenance, the side-by-side table with ratios, the
/// step-time breakdown, all-to-all bytes per link tier, routing, and the dense layout rule.
std::string compare_markdown(const nlohmann::json& comparison);

/// The sweep document (sweep_document.h) as Markdown: provenance, one row per grid point (settings, summary
/// columns, or the point's error), and the missing points.
std::string sweep_markdown(const nlohmann::json& sweep);

}  // namespace moesim::reports
