// moesim tests — helpers for the report tests: a sample simulation result, an XML well-formedness check,
// and reading data-value attributes back from HTML/SVG.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace moesim::reports::test {

/// A simulate-JSON (sim/step/step_simulation.h keys) with made-up but plausible numbers; `scale` multiplies
/// the time-like figures so that two results differ.
nlohmann::json sample_result(const std::string& model, double scale, bool moe);

/// A small MoE scenario (YAML) on 64 H100s with two pipeline stages, expert groups of 16 and traced ranks
/// 5, 40 and 63: every stream kind (compute, TP-free EP, DP, pipeline p2p) in a step that simulates fast.
std::string small_pipeline_moe_yaml();

/// Empty when `text` is well-formed XML (after an optional <!DOCTYPE ...>): balanced tags, quoted attributes,
/// known entities, one root. Otherwise a description of the first problem with its offset.
std::string xml_problem(const std::string& text);

/// Every element `<tag ...>` start tag (with its attributes) in `text`, in order.
struct Element {
  std::string tag;
  std::map<std::string, std::string> attributes;
  std::string text;  ///< character data up to the next tag (entities not decoded)
};
std::vector<Element> elements(const std::string& text, const std::string& tag = "");

/// The substring between `open` and the next `close` after it ("" when absent).
std::string between(const std::string& text, const std::string& open, const std::string& close);

}  // namespace moesim::reports::test
