// moesim — shared storage for the fabrics: vertices, directed links, tiers, the Boost.Graph.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "topologies/topology.h"

namespace moesim::topologies {

/// Base of every fabric: builders add vertices (devices first, as ranks 0..N-1) and directed links, then
/// call finalize() which freezes them into the bidirectional Boost.Graph (edges added in LinkId order, so
/// LinkProps::id of an edge is its LinkId). Link tables are vectors indexed by LinkId.
class GraphTopology : public Topology {
 public:
  int device_count() const override { return devices_; }
  int node_count() const override { return nodes_; }
  int node_of(int device) const override { return device / devices_per_node_; }
  int local_rank(int device) const override { return device % devices_per_node_; }
  const Graph& graph() const override { return graph_; }
  std::size_t link_count() const override { return links_.size(); }
  const LinkProps& link(LinkId id) const override { return links_[id]; }
  std::pair<int, int> link_endpoints(LinkId id) const override { return ends_[id]; }
  const std::vector<std::string>& tiers() const override { return tiers_; }
  int switch_count() const override { return static_cast<int>(vertices_.size()) - devices_; }
  double route_latency_s(int src, int dst) const override;
  int vertex_group(int v) const override { return groups_[v]; }
  std::string group_name(int group) const override { return group_names_[group]; }

  int vertex_count() const { return static_cast<int>(vertices_.size()); }
  const VertexProps& vertex(int v) const { return vertices_[v]; }

 protected:
  /// `devices` devices, `devices_per_node` of them per server (consecutive ranks).
  GraphTopology(int devices, int devices_per_node);

  /// Adds a vertex in aggregated-view group `group` (see add_group) and returns its number.
  int add_vertex(VertexKind kind, int index, std::string name, int group);
  int add_group(std::string name);
  int tier_id(const std::string& name);
  /// One direction of a link.
  LinkId add_link(int from, int to, double bandwidth_Bps, double latency_s, int tier);
  /// A full-duplex cable: returns {from->to, to->from}.
  std::pair<LinkId, LinkId> add_cable(int a, int b, double bandwidth_Bps, double latency_s, int tier);
  /// Builds the Boost.Graph from the vertices and links added so far.
  void finalize();

  int devices_;
  int devices_per_node_;
  int nodes_;

 private:
  std::vector<VertexProps> vertices_;
  std::vector<int> groups_;
  std::vector<std::string> group_names_;
  std::vector<LinkProps> links_;
  std::vector<std::pair<int, int>> ends_;
  std::vector<std::string> tiers_;
  Graph graph_;
};

}  // namespace moesim::topologies
