// moesim — sweep shard files and their merge.
#include "reports/sweep_document.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <set>

#include "reports/json_output.h"
#include "reports/sweep_runner.h"
#include "workloads/config_error.h"

namespace moesim::reports {
namespace {

// A grid larger than this is not a sweep anyone runs one process per point (and not a vector to allocate).
constexpr std::size_t kMaxGridPoints = 10'000'000;
// A simulate result nests 3 levels.
constexpr int kMaxJsonDepth = 64;
// A shard file holds one line per point of a few kB.
constexpr std::uintmax_t kMaxShardFileBytes = std::uintmax_t{1} << 30;

/// The `link` of a header axis: absent (-1) or a small integer shared by axes with as many values each.
int checked_link(const nlohmann::json& a, const SweepAxis& axis, const std::string& f,
                 const std::map<int, std::size_t>& link_sizes) {
  const auto it = a.find("link");
  if (it == a.end()) return -1;
  if (!it->is_number_unsigned() || it->get<std::size_t>() > 1000)
    throw ConfigError(f, 1, "axes", "the link of axis '" + axis.key + "' as an integer from 0 to 1000");
  const int link = it->get<int>();
  const auto size = link_sizes.find(link);
  if (size != link_sizes.end() && size->second != axis.values.size())
    throw ConfigError(f, 1, "axes", "linked axes with as many values each; '" + axis.key + "' differs");
  return link;
}

/// Checks a shard header line: kind, axes [{key: string, values: [string, ...]}], grid_size equal to the
/// product of the axes' sizes, shard "i/n". Returns the axes.
std::vector<SweepAxis> checked_header(const nlohmann::json& j, const std::string& f) {
  if (j.value("kind", nlohmann::json()) != "moesim-sweep-shard")
    throw ConfigError(f, 1, "kind", "a moesim sweep shard file (first line: kind moesim-sweep-shard)");
  if (j.contains("scenario") && !j["scenario"].is_string())
    throw ConfigError(f, 1, "scenario", "the scenario file name as a string");
  const auto axes_json = j.find("axes");
  if (axes_json == j.end() || !axes_json->is_array() || axes_json->empty())
    throw ConfigError(f, 1, "axes", "a list of swept keys with their values");
  std::vector<SweepAxis> axes;
  double points = 1;
  std::map<int, std::size_t> link_sizes;
  for (const auto& a : *axes_json) {
    const bool ok = a.is_object() && a.contains("key") && a["key"].is_string() && a.contains("values") &&
                    a["values"].is_array() && !a["values"].empty();
    if (!ok) throw ConfigError(f, 1, "axes", "every axis as {key: \"...\", values: [\"...\", ...]}");
    SweepAxis axis{a["key"].get<std::string>(), {}};
    for (const auto& v : a["values"]) {
      if (!v.is_string()) throw ConfigError(f, 1, "axes", "the values of axis '" + axis.key + "' as strings");
      axis.values.push_back(v.get<std::string>());
    }
    axis.link = checked_link(a, axis, f, link_sizes);
    if (axis.link < 0 || link_sizes[axis.link] == 0) points *= static_cast<double>(axis.values.size());
    if (axis.link >= 0) link_sizes[axis.link] = axis.values.size();
    axes.push_back(std::move(axis));
  }
  if (points > static_cast<double>(kMaxGridPoints))
    throw ConfigError(f, 1, "axes", "a grid of at most " + std::to_string(kMaxGridPoints) + " points");
  const auto gs = j.find("grid_size");
  if (gs == j.end() || !gs->is_number_unsigned() || gs->get<std::size_t>() != grid_size(axes))
    throw ConfigError(f, 1, "grid_size",
                      "the number of grid points, " + std::to_string(grid_size(axes)) +
                          " for these axes, got " + (gs == j.end() ? std::string("nothing") : gs->dump()));
  const auto shard = j.find("shard");
  if (shard != j.end()) {
    if (!shard->is_string()) throw ConfigError(f, 1, "shard", "a shard as \"i/n\"");
    try {
      parse_shard(shard->get<std::string>());
    } catch (const ConfigError&) {
      throw ConfigError(f, 1, "shard", "a shard as \"i/n\" with 0 <= i < n, got " + shard->dump());
    }
  }
  return axes;
}

/// Checks a record line against the grid: index inside it, settings those of that grid point, ok a
/// boolean, a result object when ok, error texts as strings.
void check_record(const nlohmann::json& j, const std::string& f, int line,
                  const std::vector<SweepAxis>& axes) {
  if (!j.contains("index") || !j["index"].is_number_unsigned())
    throw ConfigError(f, line, "index", "a sweep record with a grid index");
  const auto i = j["index"].get<std::size_t>();
  if (i >= grid_size(axes))
    throw ConfigError(f, line, "index",
                      "a grid index below " + std::to_string(grid_size(axes)) + ", got " + std::to_string(i));
  if (!j.contains("settings") || j["settings"] != settings_json(grid_point(axes, i)))
    throw ConfigError(f, line, "settings",
                      "the settings of grid point " + std::to_string(i) + " of the header's axes");
  if (!j.contains("ok") || !j["ok"].is_boolean()) throw ConfigError(f, line, "ok", "true or false");
  if (j["ok"].get<bool>() && (!j.contains("result") || !j["result"].is_object()))
    throw ConfigError(f, line, "result", "the simulate result of a point that succeeded, as an object");
  for (const char* key : {"error", "error_kind"}) {
    if (j.contains(key) && !j[key].is_string()) throw ConfigError(f, line, key, "a text");
  }
}

/// Refuses what is not a regular file of a sane size before opening it (a FIFO would block).
void check_shard_file(const std::string& f) {
  std::error_code ec;
  const auto status = std::filesystem::status(f, ec);
  if (ec || !std::filesystem::exists(status)) throw ConfigError(f, 0, "", "a readable sweep shard file");
  if (!std::filesystem::is_regular_file(status))
    throw ConfigError(f, 0, "", "a sweep shard file, got a device, FIFO or socket");
  if (std::filesystem::file_size(f, ec) > kMaxShardFileBytes)
    throw ConfigError(f, 0, "", "a sweep shard file of at most 1 GiB");
}

}  // namespace

nlohmann::json sweep_header(const std::string& scenario, const std::vector<SweepAxis>& axes,
                            const Shard& shard) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& axis : axes) {
    nlohmann::json j{{"key", axis.key}, {"values", axis.values}};
    if (axis.link >= 0) j["link"] = axis.link;
    a.push_back(j);
  }
  return {{"kind", "moesim-sweep-shard"},
          {"schema_version", kJsonSchemaVersion},
          {"scenario", scenario},
          {"axes", a},
          {"grid_size", grid_size(axes)},
          {"shard", std::to_string(shard.index) + "/" + std::to_string(shard.count)}};
}

void write_sweep_jsonl(std::ostream& out, const nlohmann::json& header,
                       const std::vector<nlohmann::json>& records) {
  out << header.dump() << "\n";
  for (const auto& r : records) out << r.dump() << "\n";
}

std::vector<SweepAxis> document_axes(const nlohmann::json& doc) {
  std::vector<SweepAxis> axes;
  if (!doc.contains("axes")) return axes;
  for (const auto& a : doc["axes"])
    axes.push_back({a.at("key").get<std::string>(), a.at("values").get<std::vector<std::string>>(),
                    a.value("link", -1)});
  return axes;
}

nlohmann::json make_sweep_document(const std::vector<nlohmann::json>& headers,
                                   std::vector<nlohmann::json> records) {
  nlohmann::json doc{{"kind", "moesim-sweep"}};
  const nlohmann::json& first = headers.at(0);
  doc["scenario"] = first.value("scenario", "");
  doc["axes"] = first.at("axes");
  const std::size_t size = first.at("grid_size").get<std::size_t>();
  doc["grid_size"] = size;
  nlohmann::json shards = nlohmann::json::array();
  for (const auto& h : headers) shards.push_back(h.value("shard", "0/1"));
  doc["shards"] = shards;
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
    return a.at("index").template get<std::size_t>() < b.at("index").template get<std::size_t>();
  });
  std::vector<bool> have(size, false);
  for (const auto& r : records) {
    const auto i = r.at("index").get<std::size_t>();
    if (i < size) have[i] = true;
  }
  nlohmann::json missing = nlohmann::json::array();
  for (std::size_t i = 0; i < size; ++i)
    if (!have[i]) missing.push_back(i);
  doc["points"] = records;
  doc["missing"] = missing;
  return doc;
}

nlohmann::json merge_sweep_files(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& p : paths) {
    if (std::filesystem::is_directory(p)) {
      std::vector<std::string> inside;
      std::error_code ec;
      for (const auto& e : std::filesystem::directory_iterator(p, ec))
        if (e.path().extension() == ".jsonl") inside.push_back(e.path().string());
      if (ec) throw ConfigError(p, 0, "", "a readable directory of sweep shard files (" + ec.message() + ")");
      if (inside.empty())
        throw ConfigError(p, 0, "", "a directory holding sweep shard files (*.jsonl); none found");
      std::sort(inside.begin(), inside.end());
      files.insert(files.end(), inside.begin(), inside.end());
    } else {
      files.push_back(p);
    }
  }
  if (files.empty()) throw ConfigError("", 0, "", "at least one sweep shard file or directory to merge");
  std::vector<nlohmann::json> headers;
  std::map<std::size_t, nlohmann::json> by_index;
  std::vector<SweepAxis> axes;
  for (const auto& f : files) {
    check_shard_file(f);
    std::ifstream in(f);
    if (!in) throw ConfigError(f, 0, "", "a readable sweep shard file");
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.empty()) continue;
      bool too_deep = false;  // renderers and dump() recurse: a hostile line must not blow the stack later
      const auto depth_guard = [&](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
        too_deep = too_deep || depth > kMaxJsonDepth;
        return !too_deep;
      };
      nlohmann::json j = nlohmann::json::parse(line, depth_guard, false);
      if (too_deep)
        throw ConfigError(f, line_no, "",
                          "a record nested at most " + std::to_string(kMaxJsonDepth) + " levels deep");
      if (j.is_discarded() || !j.is_object())
        throw ConfigError(f, line_no, "", "a JSON object on every line");
      if (line_no == 1) {
        const auto file_axes = checked_header(j, f);
        if (headers.empty()) axes = file_axes;
        if (!headers.empty() &&
            (j.at("axes") != headers[0].at("axes") || j.at("grid_size") != headers[0].at("grid_size") ||
             j.value("scenario", "") != headers[0].value("scenario", "")))
          throw ConfigError(f, 1, "axes", "the same scenario and grid as " + files[0]);
        headers.push_back(j);
        continue;
      }
      check_record(j, f, line_no, axes);
      const auto i = j["index"].get<std::size_t>();
      const auto it = by_index.find(i);
      if (it != by_index.end() && it->second.at("settings") != j.at("settings"))
        throw ConfigError(f, line_no, "settings",
                          "the same settings as the other record of point " + std::to_string(i));
      if (it == by_index.end()) by_index.emplace(i, j);
    }
    if (line_no == 0) throw ConfigError(f, 0, "", "a sweep shard file with a header line; the file is empty");
  }
  std::vector<nlohmann::json> records;
  for (auto& [i, r] : by_index) records.push_back(std::move(r));
  return make_sweep_document(headers, std::move(records));
}

const std::vector<SweepColumn>& sweep_columns() {
  static const std::vector<SweepColumn> kColumns{
      {"step_time_s", "step time", Measure::kSeconds},
      {"tokens_per_s", "throughput", Measure::kTokensPerS},
      {"mfu", "MFU", Measure::kFraction},
      {"breakdown_s.exposed_a2a_s", "exposed all-to-all", Measure::kSeconds},
      {"a2a_bytes_per_step", "all-to-all bytes/step", Measure::kBytes},
      {"energy_j_per_step", "energy/step", Measure::kJoules},
      {"time_to_train_s", "time to train", Measure::kDuration},
      {"energy_mwh_run", "energy of run", Measure::kMWh},
      {"cost_usd_run", "cost of run", Measure::kUsd},
  };
  return kColumns;
}

namespace {

void collect_scalars(const nlohmann::json& j, const std::string& prefix, std::set<std::string>& out) {
  for (const auto& [k, v] : j.items()) {
    const std::string key = prefix.empty() ? k : prefix + "." + k;
    if (v.is_object())
      collect_scalars(v, key, out);
    else if (v.is_number() || v.is_boolean())
      out.insert(key);
  }
}

}  // namespace

std::vector<std::string> sweep_metric_keys(const nlohmann::json& doc) {
  std::set<std::string> found;
  for (const auto& p : doc.at("points")) {
    if (!p.value("ok", false)) continue;
    nlohmann::json result = p.at("result");
    result.erase("resolved_scenario");
    result.erase("schema_version");
    collect_scalars(result, "", found);
  }
  std::vector<std::string> keys;
  for (const auto& c : sweep_columns()) {
    keys.push_back(c.key);
    found.erase(c.key);
  }
  keys.insert(keys.end(), found.begin(), found.end());
  return keys;
}

std::string grid_description(const std::vector<SweepAxis>& axes) {
  std::string out;
  std::set<int> done;
  for (std::size_t i = 0; i < axes.size(); ++i) {
    if (axes[i].link >= 0 && !done.insert(axes[i].link).second) continue;
    out += out.empty() ? "" : " × ";
    if (axes[i].link < 0) {
      out += "`" + axes[i].key + "`";
    } else {
      std::string names;
      for (const auto& a : axes)
        if (a.link == axes[i].link) names += (names.empty() ? "`" : " = `") + a.key + "`";
      out += "(" + names + ")";
    }
    out += " (" + std::to_string(axes[i].values.size()) + ")";
  }
  return out;
}

}  // namespace moesim::reports
