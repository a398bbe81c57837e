// moesim — how report numbers are written: SI base values in, a value with its unit out.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace moesim::reports {

/// What a reported number measures, which decides the unit it is shown in. The simulation JSON holds SI base
/// units (s, bytes, FLOPs, J, ...) plus the run-level figures the energy model already gives in MWh, tCO2e
/// and USD (README "simulate JSON").
enum class Measure {
  kParams,      ///< parameters (count) -> "175.0 B" (billions), "125.0 M" below a billion
  kFlops,       ///< FLOPs (per token) -> "GFLOPs", "MFLOPs" below a GFLOP
  kSeconds,     ///< a step-sized duration -> "µs", "ms" or "s"
  kDuration,    ///< a run-sized duration (s) -> "days" or "h"
  kTokensPerS,  ///< tokens/s
  kTokens,      ///< a token count
  kFraction,    ///< 0..1 -> "%"
  kHours,       ///< accelerator-hours (already in hours)
  kJoules,      ///< J -> "J", "kJ", "MJ"
  kMWh,         ///< MWh (already in MWh)
  kTco2e,       ///< tonnes CO2e
  kUsd,         ///< US dollars
  kBytes,       ///< bytes -> "B", "kB", "MB", "GB", "TB" ("0 GB" for none)
  kBytesPerS,   ///< bytes/s -> "B/s", "kB/s", "MB/s", "GB/s" or "TB/s" (decimal prefixes)
};

/// The unit `measure` is displayed in, e.g. "GFLOPs/token" is not added: kFlops gives "GFLOPs".
std::string unit_label(Measure measure);
/// `value` (in the JSON's unit) divided into the display unit of unit_label() (e.g. FLOPs -> GFLOPs).
double to_display_unit(Measure measure, double value);
/// `value` written with 4 significant digits and its unit, e.g. "1.234 s", "456.1 MWh", "35.20 %".
std::string format_value(Measure measure, double value);
/// A plain number with `significant` significant digits, thousands not separated ("0.3521", "1287").
std::string format_number(double value, int significant = 4);
/// A ratio a/b as "0.352×"; "n/a" when either side is missing or b is 0.
std::string format_ratio(std::optional<double> a, std::optional<double> b);
/// The unit of the raw JSON value of `measure` (CSV column "unit"): "params", "FLOPs", "s", "J", ...
std::string json_unit(Measure measure);
/// Full-precision text of `value` for data attributes (round-trips exactly).
std::string exact_number(double value);

/// The number at the dotted `path` of `doc` ("breakdown_s.compute_s"); nullopt when absent, null or not a
/// number. Reports treat absent optional keys (no energy section, no total_tokens, no price) as "n/a".
std::optional<double> number_at(const nlohmann::json& doc, std::string_view path);
/// The string at `path`, or `fallback`.
std::string string_at(const nlohmann::json& doc, std::string_view path, const std::string& fallback = "n/a");

/// Where a simulation result came from: "moesim 0.1.0, network backend analytic, compute model <source>".
std::string provenance(const nlohmann::json& result);

/// Escapes &, <, >, " and ' for HTML/SVG text and attribute values.
std::string xml_escape(std::string_view text);

}  // namespace moesim::reports
