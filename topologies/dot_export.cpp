#include "topologies/dot_export.h"

#include <array>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

namespace moesim::topologies {
namespace {

struct Bundle {
  int cables = 0;
  double bandwidth_Bps = 0;  ///< sum over the cables, one direction
  int tier = 0;
};

std::string bandwidth_text(double Bps) {
  std::ostringstream o;
  o << std::setprecision(3);
  if (Bps >= 1e12)
    o << Bps / 1e12 << " TB/s";
  else
    o << Bps / 1e9 << " GB/s";
  return o.str();
}

const char* tier_colour(int tier) {
  static constexpr std::array kColours{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                       "#9467bd", "#8c564b", "#e377c2"};
  return kColours[static_cast<std::size_t>(tier) % kColours.size()];
}

void write_edges(const Topology& t, std::ostream& out, const std::map<std::pair<int, int>, Bundle>& bundles,
                 const char* prefix) {
  for (const auto& [ends, b] : bundles) {
    out << "  " << prefix << ends.first << " -- " << prefix << ends.second << " [color=\""
        << tier_colour(b.tier) << "\", label=\"" << (b.cables > 1 ? std::to_string(b.cables) + " x " : "")
        << bandwidth_text(b.bandwidth_Bps / b.cables) << "\"];\n";
  }
  out << "  subgraph cluster_legend { label=\"tiers\";\n";
  for (std::size_t i = 0; i < t.tiers().size(); ++i) {
    out << "    legend" << i << " [shape=plaintext, label=\"" << t.tiers()[i] << "\", fontcolor=\""
        << tier_colour(static_cast<int>(i)) << "\"];\n";
  }
  out << "  }\n";
}

}  // namespace

void write_dot(const Topology& t, std::ostream& out, DotView view) {
  const Graph& g = t.graph();
  const int vertices = static_cast<int>(boost::num_vertices(g));
  if (view == DotView::kAuto) view = vertices <= 64 ? DotView::kFull : DotView::kAggregated;
  out << "graph G {\n  label=\"" << t.description() << "\";\n  node [fontsize=10]; edge [fontsize=8];\n";
  std::map<std::pair<int, int>, Bundle> bundles;
  if (view == DotView::kFull) {
    for (int v = 0; v < vertices; ++v) {
      out << "  v" << v << " [label=\"" << g[v].name
          << "\", shape=" << (g[v].kind == VertexKind::kDevice ? "box" : "ellipse") << "];\n";
    }
    for (std::size_t l = 0; l < t.link_count(); ++l) {
      auto [u, v] = t.link_endpoints(static_cast<LinkId>(l));
      if (u > v) continue;  // one edge per cable
      const LinkProps& p = t.link(static_cast<LinkId>(l));
      Bundle& b = bundles[{u, v}];
      ++b.cables;
      b.bandwidth_Bps += p.bandwidth_Bps;
      b.tier = p.tier;
    }
    write_edges(t, out, bundles, "v");
  } else {
    std::map<int, std::pair<int, int>> members;  // group -> (devices, switches)
    for (int v = 0; v < vertices; ++v) {
      auto& m = members[t.vertex_group(v)];
      (g[v].kind == VertexKind::kDevice ? m.first : m.second)++;
    }
    for (const auto& [grp, m] : members) {
      out << "  g" << grp << " [label=\"" << t.group_name(grp) << "\\n";
      if (m.first) out << m.first << " devices";
      if (m.first && m.second) out << ", ";
      if (m.second) out << m.second << " switches";
      out << "\", shape=" << (m.first ? "box" : "ellipse") << "];\n";
    }
    for (std::size_t l = 0; l < t.link_count(); ++l) {
      auto [u, v] = t.link_endpoints(static_cast<LinkId>(l));
      const int gu = t.vertex_group(u), gv = t.vertex_group(v);
      if (gu >= gv) continue;  // inside a group, or the other direction of a cable
      const LinkProps& p = t.link(static_cast<LinkId>(l));
      Bundle& b = bundles[{gu, gv}];
      ++b.cables;
      b.bandwidth_Bps += p.bandwidth_Bps;
      b.tier = p.tier;
    }
    write_edges(t, out, bundles, "g");
  }
  out << "}\n";
}

}  // namespace moesim::topologies
