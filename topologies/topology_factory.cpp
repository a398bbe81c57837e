#include "topologies/topology_factory.h"

#include "topologies/cluster_topology.h"
#include "topologies/torus_topology.h"

namespace moesim::topologies {

std::unique_ptr<Topology> make_topology(const ClusterSpec& spec) {
  validate_cluster(spec);
  if (spec.fabric == FabricType::kTorus) return std::make_unique<TorusTopology>(spec);
  return std::make_unique<ClusterTopology>(spec);
}

}  // namespace moesim::topologies
