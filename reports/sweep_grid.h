// moesim — the design-space grid of `moesim sweep`: axes from `--set KEY=V1,V2,...`, points, shards.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace moesim::reports {

/// One swept scenario key and its values (YAML as written, e.g. "32", "1.25", "fat-tree", "[8,8,16]").
struct SweepAxis {
  std::string key;
  std::vector<std::string> values;
  /// Axes with the same link (>= 0) advance together, value i of each at once (`--link`); -1: its own
  /// dimension of the cartesian product.
  int link = -1;
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

/// Parses `--set` arguments (`KEY=V1,V2,...`). Values are split on the commas outside brackets, braces and
/// quotes, so a YAML list or mapping is one value (`parallelism.stages=[8,8,16],[4,4]`). Throws ConfigError
/// (file "--set", key = the argument) for a missing `=`, an empty key, an empty value, an unbalanced bracket
/// or a key given twice.
std::vector<SweepAxis> parse_sweep_axes(const std::vector<std::string>& sets);

/// Links the axes named by each `--link NAME,NAME,...` argument so that they advance together. A NAME is an
/// axis key (`cluster.devices`) or its last dotted parts when exactly one axis ends so (`devices`). Throws
/// ConfigError (key `--link`) for fewer than two names, a name matching no axis or several, an axis linked
/// twice, or linked axes with different numbers of values.
void link_sweep_axes(std::vector<SweepAxis>& axes, const std::vector<std::string>& links);

/// Number of points of the grid: the product over its dimensions (an unlinked axis, or a linked group of
/// axes counted once) of their sizes; 1 for no axes.
std::size_t grid_size(const std::vector<SweepAxis>& axes);

/// Point `index` of the grid (the last dimension varies fastest; linked axes together). Throws
/// std::out_of_range past the end.
SweepPoint grid_point(const std::vector<SweepAxis>& axes, std::size_t index);

/// Parses `i/n` with 0 <= i < n. Throws ConfigError (key `--shard`) otherwise.
Shard parse_shard(const std::string& text);

/// The grid indices that `shard` runs, ascending.
std::vector<std::size_t> shard_indices(std::size_t grid_points, const Shard& shard);

}  // namespace moesim::reports
