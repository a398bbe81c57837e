// Helpers shared by the topologies tests.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "topologies/cluster_spec.h"
#include "topologies/topology.h"
#include "topologies/topology_factory.h"
#include "workloads/yaml_reader.h"

namespace moesim::topologies::testing {

/// Parses `yaml` as the body of a scenario's `cluster:` mapping (file name "test.yaml").
inline ClusterSpec parse(const std::string& yaml) {
  const YAML::Node root = YAML::Load("cluster:\n" + yaml);
  return parse_cluster(moesim::YamlMap(root, "test.yaml", "").map("cluster"));
}

inline std::unique_ptr<Topology> build(const std::string& yaml) {
  return make_topology(parse(yaml));
}

/// The ConfigError's key (and message) thrown by f, or "no error".
struct Failure {
  std::string key;
  std::string message;
};
inline Failure failure_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return {e.key(), e.what()};
  }
  return {"no error", "no error"};
}

inline int tier_index(const Topology& t, const std::string& name) {
  for (std::size_t i = 0; i < t.tiers().size(); ++i) {
    if (t.tiers()[i] == name) return static_cast<int>(i);
  }
  return -1;
}

inline int links_in_tier(const Topology& t, const std::string& name) {
  const int tier = tier_index(t, name);
  int n = 0;
  for (std::size_t l = 0; l < t.link_count(); ++l) n += t.link(static_cast<LinkId>(l)).tier == tier;
  return n;
}

}  // namespace moesim::topologies::testing
