// moesim — CSV output (RFC 4180) of comparisons and sweeps, for spreadsheets and scripts.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace moesim::reports {

/// One CSV line: fields quoted when they hold a comma, a quote or a line break; ends with "\n".
std::string csv_line(const std::vector<std::string>& fields);

/// Columns `metric,label,unit,moe,dense,moe_over_dense`: one row per compared figure, per step-time component
/// (`breakdown_s.<part>`) and per link tier (`a2a_bytes_per_tier.<tier>`). Values are the simulation's raw
/// numbers in the unit named in the `unit` column (s, FLOPs, J, MWh, ...), empty when absent.
std::string compare_csv(const nlohmann::json& comparison);

/// Columns `index,<axis keys...>,ok,error_kind,error,<summary keys...>`: one row per grid point, raw values
/// in the units of their key names (`step_time_s` in s, `mfu` as a fraction, ...).
std::string sweep_csv(const nlohmann::json& sweep);

}  // namespace moesim::reports
