// moesim — runs sweep points, one forked child process per point (SimGrid allows one engine per process).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "reports/sweep_grid.h"

namespace moesim::reports {

/// Simulates one point and returns its simulate JSON (called in a child process).
using PointSimulator = std::function<nlohmann::json(const SweepPoint&)>;

/// How run_sweep_points() runs the children.
struct SweepRunOptions {
  int jobs = 2;                  ///< points simulated at once (>= 1)
  double point_timeout_s = 600;  ///< a child still running after this many seconds is killed (0 = no limit)
  /// Called in the parent as each record arrives (in completion order), e.g. to append it to the shard file.
  std::function<void(const nlohmann::json&)> on_done;
};

/// What run_sweep_points() did.
struct SweepRun {
  /// One record per finished point, in the order of `points`:
  ///   {index, settings: [[key, value], ...], ok: true, result: <simulate JSON>}
  ///   {index, settings, ok: false, error_kind: "config" | "internal" | "crash" | "timeout", error: "..."}
  std::vector<nlohmann::json> records;
  int interrupted_by = 0;  ///< SIGINT or SIGTERM when the sweep was stopped early, else 0
  std::size_t failed() const;
};

/// Runs every point in its own fork()ed child, at most `options.jobs` at once. A point that throws
/// (ConfigError: "config"; other exceptions: "internal"), whose child dies ("crash") or outlives the timeout
/// ("timeout", the child is killed) is recorded, never fatal. On SIGINT or SIGTERM the parent kills the
/// running children, waits for them, starts no more and returns the records finished so far with
/// `interrupted_by` set (the caller writes them and exits 128 + signal). The child hands its result back
/// through a temporary file. The caller must be single-threaded (fork).
SweepRun run_sweep_points(const std::vector<SweepPoint>& points, const PointSimulator& simulate,
                          const SweepRunOptions& options);

/// The `settings` array of a record for `point`.
nlohmann::json settings_json(const SweepPoint& point);

}  // namespace moesim::reports
