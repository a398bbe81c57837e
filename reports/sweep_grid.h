// moesim — the design-space grid of `moesim sweep`: axes from `--set KEY=V1,V2,...`, points, shards.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace moesim::reports {

/// One swept scenario key and its values (YAML scalars as written, e.g. "32", "1.25", "fat-tree").
struct SweepAxis {
  std::string key;
  std::vector<std::string> values;
};

/// One point of the grid: its index in the full grid and the value of every axis.
struct SweepPoint {
  std::size_t index = 0;
  std::vector<std::pair<std::string, std::string>> settings;  ///< (key, value), in axis order
  /// The settings as `KEY=VALUE` overrides (workloads::apply_overrides).
  std::vector<std::string> overrides() const;
};

/// A slice of the grid for one batch job: points index, index + count, index + 2·count, ...
/// (0-based, so Slurm's `--shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT` works directly).
struct Shard {
  std::size_t index = 0;
  std::size_t count = 1;
};

/// Parses `--set` arguments (`KEY=V1,V2,...`; a value may not contain a comma). Throws ConfigError (file
/// "--set", key = the argument) for a missing `=`, an empty key, an empty value or a key given twice.
std::vector<SweepAxis> parse_sweep_axes(const std::vector<std::string>& sets);

/// Number of points of the cartesian product (1 for no axes).
std::size_t grid_size(const std::vector<SweepAxis>& axes);

/// Point `index` of the grid (the last axis varies fastest). Throws std::out_of_range past the end.
SweepPoint grid_point(const std::vector<SweepAxis>& axes, std::size_t index);

/// Parses `i/n` with 0 <= i < n. Throws ConfigError (key `--shard`) otherwise.
Shard parse_shard(const std::string& text);

/// The grid indices that `shard` runs, ascending.
std::vector<std::size_t> shard_indices(std::size_t grid_points, const Shard& shard);

}  // namespace moesim::reports
