// moesim — building the Topology a ClusterSpec describes.
#pragma once

#include <memory>

#include "topologies/cluster_spec.h"
#include "topologies/topology.h"

namespace moesim::topologies {

/// Validates `spec` (ConfigError with key "cluster.<key>" when inconsistent) and builds its graph: a
/// TorusTopology for `fabric.type: torus`, else a ClusterTopology (servers + fat-tree / dragonfly / none).
std::unique_ptr<Topology> make_topology(const ClusterSpec& spec);

}  // namespace moesim::topologies
