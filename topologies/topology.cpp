#include "topologies/topology.h"

namespace moesim::topologies {

std::string Topology::group_name(int group) const {
  std::string name("v");
  name.append(std::to_string(group));
  return name;
}

void Topology::accumulate_flows(const Flow* flows, std::size_t count, double scale,
                                std::vector<double>& link_bytes) const {
  thread_local std::vector<RouteHop> hops;
  for (std::size_t i = 0; i < count; ++i) {
    const Flow& f = flows[i];
    if (f.src == f.dst || f.bytes <= 0) continue;
    route(f.src, f.dst, hops);
    for (const RouteHop& h : hops) link_bytes[h.link] += scale * f.bytes * h.fraction;
  }
}

}  // namespace moesim::topologies
