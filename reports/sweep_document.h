// moesim — the results of a sweep as one document: shard files (JSON lines), merging, summary columns.
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reports/report_units.h"
#include "reports/sweep_grid.h"

namespace moesim::reports {

/// The header line of a shard file: {kind: "moesim-sweep-shard", schema_version, scenario, axes: [{key,
/// values, link?}], grid_size, shard: "i/n"}. Merging checks that every shard describes the same grid.
nlohmann::json sweep_header(const std::string& scenario, const std::vector<SweepAxis>& axes,
                            const Shard& shard);

/// Writes a shard file: the header line, then one record (sweep_runner.h) per line.
void write_sweep_jsonl(std::ostream& out, const nlohmann::json& header,
                       const std::vector<nlohmann::json>& records);

/// The sweep document every renderer reads: {kind: "moesim-sweep", scenario, axes, grid_size,
/// shards: ["0/2", ...], points: [records sorted by index], missing: [grid indices without a record]}.
nlohmann::json make_sweep_document(const std::vector<nlohmann::json>& headers,
                                   std::vector<nlohmann::json> records);

/// Reads shard files (a directory means every *.jsonl file in it) and merges them into one document, so that
/// the shards of a sweep give the same table as one run. Throws ConfigError naming the file, line and key for
/// an unreadable or non-regular file, a line that is not a JSON object, a header whose axes, grid_size (the
/// product of the axes' sizes, at most 10 million) or shard is malformed, a grid different from the first
/// file's, a record whose index is outside the grid, whose settings are not those of its grid point or whose
/// ok/result/error fields have the wrong type, or two records of one index with different settings.
nlohmann::json merge_sweep_files(const std::vector<std::string>& paths);

/// The axes of a sweep document.
std::vector<SweepAxis> document_axes(const nlohmann::json& doc);

/// A summary column of the sweep table: a (dotted) key of the simulate JSON.
struct SweepColumn {
  std::string key;
  std::string label;
  Measure measure;
};
/// step time, tokens/s, MFU, exposed all-to-all, all-to-all bytes, energy per step, time to train, energy
/// and cost of the run.
const std::vector<SweepColumn>& sweep_columns();

/// Every scalar (number or boolean) of the points' simulate results as a dotted key
/// (`breakdown_s.compute_s`, `a2a_bytes_per_tier.nvlink`): the sweep_columns() first, then the others in
/// key order, over all successful points. Arrays, texts, `resolved_scenario` and `schema_version` are left
/// out. These are the metric columns of sweep.csv.
std::vector<std::string> sweep_metric_keys(const nlohmann::json& doc);

/// The grid as text for headings: "`model.experts` (3) × (`cluster.devices` = `parallelism.data`) (2)".
std::string grid_description(const std::vector<SweepAxis>& axes);

}  // namespace moesim::reports
