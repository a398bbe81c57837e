// moesim — sweep grid expansion and sharding.
#include "reports/sweep_grid.h"

#include <algorithm>
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

namespace {

/// The values of `--set KEY=...`: split on the commas outside brackets, braces and quotes.
std::vector<std::string> split_values(const std::string& key, const std::string& values) {
  std::vector<std::string> out;
  std::string current;
  int depth = 0;
  char quote = 0;
  const auto push = [&] {
    if (current.empty())
      throw ConfigError("--set", 0, key, "a non-empty value between commas, got '" + values + "'");
    out.push_back(current);
    current.clear();
  };
  for (const char c : values) {
    if (quote != 0) {
      quote = c == quote ? 0 : quote;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && --depth < 0) {
      break;
    } else if (c == ',' && depth == 0) {
      push();
      continue;
    }
    current += c;
  }
  if (depth != 0 || quote != 0)
    throw ConfigError("--set", 0, key, "balanced brackets and quotes in the values, got '" + values + "'");
  push();
  return out;
}

/// One dimension of the grid: the axes (indices) that advance together, and their common size.
struct Dimension {
  std::vector<std::size_t> axes;
  std::size_t size = 1;
};

std::vector<Dimension> dimensions(const std::vector<SweepAxis>& axes) {
  std::vector<Dimension> dims;
  std::vector<int> seen_links;
  for (std::size_t i = 0; i < axes.size(); ++i) {
    const int link = axes[i].link;
    if (link >= 0 && std::find(seen_links.begin(), seen_links.end(), link) != seen_links.end()) continue;
    Dimension d{{i}, axes[i].values.size()};
    if (link >= 0) {
      seen_links.push_back(link);
      for (std::size_t j = i + 1; j < axes.size(); ++j)
        if (axes[j].link == link) d.axes.push_back(j);
    }
    dims.push_back(std::move(d));
  }
  return dims;
}

/// The axis `name` denotes: its key, or the last dotted parts of exactly one key.
std::size_t find_axis(const std::vector<SweepAxis>& axes, const std::string& name, const std::string& arg) {
  std::vector<std::size_t> hits;
  for (std::size_t i = 0; i < axes.size(); ++i) {
    const std::string& k = axes[i].key;
    if (k == name) return i;
    if (k.size() > name.size() && k.compare(k.size() - name.size(), name.size(), name) == 0 &&
        k[k.size() - name.size() - 1] == '.')
      hits.push_back(i);
  }
  if (hits.size() != 1)
    throw ConfigError("", 0, "--link",
                      "names of swept keys (--set); '" + name + "' in '" + arg + "' matches " +
                          (hits.empty() ? std::string("none") : std::to_string(hits.size()) + " of them"));
  return hits.front();
}

}  // namespace

std::vector<SweepAxis> parse_sweep_axes(const std::vector<std::string>& sets) {
  std::vector<SweepAxis> axes;
  std::set<std::string> seen;
  for (const auto& s : sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      throw ConfigError("--set", 0, s, "KEY=V1,V2,... (e.g. model.experts=16,32,64)");
    SweepAxis axis{s.substr(0, eq), {}};
    if (!seen.insert(axis.key).second) throw ConfigError("--set", 0, axis.key, "each key swept once");
    axis.values = split_values(axis.key, s.substr(eq + 1));
    axes.push_back(std::move(axis));
  }
  return axes;
}

void link_sweep_axes(std::vector<SweepAxis>& axes, const std::vector<std::string>& links) {
  int next = 0;
  for (const auto& a : axes) next = std::max(next, a.link + 1);
  for (const auto& arg : links) {
    std::vector<std::size_t> members;
    std::size_t start = 0;
    for (;;) {
      const auto comma = arg.find(',', start);
      members.push_back(find_axis(axes, arg.substr(start, comma - start), arg));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (members.size() < 2) throw ConfigError("", 0, "--link", "two or more swept keys, got '" + arg + "'");
    for (const auto m : members) {
      if (axes[m].link >= 0)
        throw ConfigError("", 0, "--link",
                          "each swept key linked once; '" + axes[m].key + "' is linked twice");
      if (axes[m].values.size() != axes[members.front()].values.size())
        throw ConfigError("", 0, "--link",
                          "linked keys with as many values each; " + axes[members.front()].key + " has " +
                              std::to_string(axes[members.front()].values.size()) + ", " + axes[m].key +
                              " has " + std::to_string(axes[m].values.size()));
      axes[m].link = next;
    }
    ++next;
  }
}

std::size_t grid_size(const std::vector<SweepAxis>& axes) {
  std::size_t n = 1;
  for (const auto& d : dimensions(axes)) n *= d.size;
  return n;
}

SweepPoint grid_point(const std::vector<SweepAxis>& axes, std::size_t index) {
  if (index >= grid_size(axes)) throw std::out_of_range("sweep point index past the grid");
  SweepPoint p;
  p.index = index;
  p.settings.resize(axes.size());
  std::size_t rest = index;
  const auto dims = dimensions(axes);
  for (std::size_t i = dims.size(); i-- > 0;) {
    const std::size_t v = rest % dims[i].size;
    for (const auto a : dims[i].axes) p.settings[a] = {axes[a].key, axes[a].values[v]};
    rest /= dims[i].size;
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
