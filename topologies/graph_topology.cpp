#include "topologies/graph_topology.h"

namespace moesim::topologies {

GraphTopology::GraphTopology(int devices, int devices_per_node)
    : devices_(devices), devices_per_node_(devices_per_node), nodes_(devices / devices_per_node) {}

double GraphTopology::route_latency_s(int src, int dst) const {
  thread_local std::vector<LinkId> path;
  single_path(src, dst, path);
  double total = 0;
  for (LinkId l : path) total += links_[l].latency_s;
  return total;
}

int GraphTopology::add_vertex(VertexKind kind, int index, std::string name, int group) {
  vertices_.push_back(VertexProps{kind, index, std::move(name)});
  groups_.push_back(group);
  return static_cast<int>(vertices_.size()) - 1;
}

int GraphTopology::add_group(std::string name) {
  group_names_.push_back(std::move(name));
  return static_cast<int>(group_names_.size()) - 1;
}

int GraphTopology::tier_id(const std::string& name) {
  for (std::size_t i = 0; i < tiers_.size(); ++i) {
    if (tiers_[i] == name) return static_cast<int>(i);
  }
  tiers_.push_back(name);
  return static_cast<int>(tiers_.size()) - 1;
}

LinkId GraphTopology::add_link(int from, int to, double bandwidth_Bps, double latency_s, int tier) {
  const auto id = static_cast<LinkId>(links_.size());
  links_.push_back(LinkProps{bandwidth_Bps, latency_s, tier, id});
  ends_.emplace_back(from, to);
  return id;
}

std::pair<LinkId, LinkId> GraphTopology::add_cable(int a, int b, double bandwidth_Bps, double latency_s,
                                                   int tier) {
  const LinkId ab = add_link(a, b, bandwidth_Bps, latency_s, tier);
  const LinkId ba = add_link(b, a, bandwidth_Bps, latency_s, tier);
  return {ab, ba};
}

void GraphTopology::finalize() {
  graph_ = Graph(vertices_.size());
  for (std::size_t v = 0; v < vertices_.size(); ++v) graph_[v] = vertices_[v];
  for (std::size_t l = 0; l < links_.size(); ++l) {
    boost::add_edge(ends_[l].first, ends_[l].second, links_[l], graph_);
  }
}

}  // namespace moesim::topologies
