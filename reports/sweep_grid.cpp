// moesim — sweep grid expansion and sharding.
#include "reports/sweep_grid.h"

#include <charconv>
#include <set>
#include <stdexcept>

#include "workloads/config_error.h"

namespace moesim::reports {

std::vector<std::string> SweepPoint::overrides() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : settings) out.push_back(k + "=" + v);
  return out;
}

std::vector<SweepAxis> parse_sweep_axes(const std::vector<std::string>& sets) {
  std::vector<SweepAxis> axes;
  std::set<std::string> seen;
  for (const auto& s : sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      throw ConfigError("--set", 0, s, "KEY=V1,V2,... (e.g. model.experts=16,32,64)");
    SweepAxis axis{s.substr(0, eq), {}};
    if (!seen.insert(axis.key).second) throw ConfigError("--set", 0, axis.key, "each key swept once");
    const std::string values = s.substr(eq + 1);
    for (std::size_t start = 0;;) {
      const auto comma = values.find(',', start);
      const std::string v =
          values.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (v.empty())
        throw ConfigError("--set", 0, axis.key, "a non-empty value between commas, got '" + values + "'");
      axis.values.push_back(v);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    axes.push_back(std::move(axis));
  }
  return axes;
}

std::size_t grid_size(const std::vector<SweepAxis>& axes) {
  std::size_t n = 1;
  for (const auto& a : axes) n *= a.values.size();
  return n;
}

SweepPoint grid_point(const std::vector<SweepAxis>& axes, std::size_t index) {
  if (index >= grid_size(axes)) throw std::out_of_range("sweep point index past the grid");
  SweepPoint p;
  p.index = index;
  p.settings.resize(axes.size());
  std::size_t rest = index;
  for (std::size_t i = axes.size(); i-- > 0;) {
    const auto& a = axes[i];
    p.settings[i] = {a.key, a.values[rest % a.values.size()]};
    rest /= a.values.size();
  }
  return p;
}

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  Shard s;
  const auto parse = [&](std::string_view part, std::size_t& out) {
    const auto r = std::from_chars(part.data(), part.data() + part.size(), out);
    return r.ec == std::errc() && r.ptr == part.data() + part.size() && !part.empty();
  };
  const std::string_view v(text);
  if (slash == std::string::npos || !parse(v.substr(0, slash), s.index) ||
      !parse(v.substr(slash + 1), s.count) || s.count == 0 || s.index >= s.count)
    throw ConfigError("", 0, "--shard", "i/n with 0 <= i < n (e.g. 0/4), got '" + text + "'");
  return s;
}

std::vector<std::size_t> shard_indices(std::size_t grid_points, const Shard& shard) {
  std::vector<std::size_t> out;
  for (std::size_t i = shard.index; i < grid_points; i += shard.count) out.push_back(i);
  return out;
}

}  // namespace moesim::reports
