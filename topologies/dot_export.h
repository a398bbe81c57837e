// moesim — Graphviz DOT pictures of a fabric.
#pragma once

#include <ostream>

#include "topologies/topology.h"

namespace moesim::topologies {

/// How much detail write_dot draws.
enum class DotView {
  kAuto,        ///< full up to 64 vertices, aggregated above
  kFull,        ///< one DOT node per vertex, one edge per cable (parallel cables merged with a count)
  kAggregated,  ///< one DOT node per Topology::vertex_group (a server or block of servers, a leaf group, a
                ///< spine pod, a block of torus chips), one edge per connected pair of groups labelled with
                ///< the number of cables and their total bandwidth
};

/// Writes an undirected DOT graph (`graph G { ... }`); edge colours by tier, with a legend.
void write_dot(const Topology& topology, std::ostream& out, DotView view = DotView::kAuto);

}  // namespace moesim::topologies
