// moesim — runs sweep points, one forked child process per point (SimGrid allows one engine per process).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "reports/sweep_grid.h"

namespace moesim::reports {

/// Simulates one point and returns its simulate JSON (called in a child process).
using PointSimulator = std::function<nlohmann::json(const SweepPoint&)>;

/// Runs every point in its own fork()ed child, at most `jobs` (>= 1) at once, and returns one record per
/// point, in the order of `points`:
///   {index, settings: [[key, value], ...], ok: true, result: <simulate JSON>}
///   {index, settings, ok: false, error_kind: "config" | "internal" | "crash", error: "<message>"}
/// A point that throws (ConfigError: "config"; other exceptions: "internal") or whose child dies ("crash")
/// is recorded, never fatal. `on_done` (optional) is called in the parent as each record arrives. The child
/// hands its result back through a temporary file. The caller must be single-threaded (fork).
std::vector<nlohmann::json> run_sweep_points(const std::vector<SweepPoint>& points,
                                             const PointSimulator& simulate, int jobs,
                                             const std::function<void(const nlohmann::json&)>& on_done = {});

/// The `settings` array of a record for `point`.
nlohmann::json settings_json(const SweepPoint& point);

}  // namespace moesim::reports
