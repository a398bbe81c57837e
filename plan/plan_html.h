// moesim — the plan as one self-contained HTML page: Pareto fronts, breakdown bars and the top layouts.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace moesim::plan {

/// The page for a plan document (plan_document.h): the counts and the sentence on the best layout, step
/// time vs memory per device (with the HBM limit) and vs cost per step (energy per step without a price)
/// for every simulated layout with its Pareto front, the step-time breakdown of the top layouts and their
/// table; the document itself embedded as JSON. No scripts, fonts or style sheets from outside.
std::string plan_html(const nlohmann::json& doc);

/// Throws the ConfigError write_plan_html() would throw for `path`'s extension (check before searching).
void check_plan_html_path(const std::string& path, const std::string& option);

/// Writes plan_html() to `path`; ConfigError (key `option`) when it cannot be written or is not .html.
void write_plan_html(const std::string& path, const nlohmann::json& doc, const std::string& option);

}  // namespace moesim::plan
