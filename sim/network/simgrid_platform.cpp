// Part of the SimGrid backend: the only files of moesim that include SimGrid are sim/network/simgrid_*.cpp.
#include "sim/network/simgrid_platform.h"

#include <simgrid/s4u.hpp>

#include <string>

namespace sg4 = simgrid::s4u;

namespace moesim::network {

SimGridPlatform build_simgrid_platform(const topologies::Topology& topo, const LinkModel& links,
                                       const std::vector<std::pair<int, int>>& pairs, int extra_hosts,
                                       const PlatformOptions& options) {
  SimGridPlatform p;
  auto* zone = sg4::create_full_zone("fabric");
  p.devices.resize(static_cast<std::size_t>(topo.device_count()));
  for (int d = 0; d < topo.device_count(); ++d)
    p.devices[d] = zone->create_host("dev" + std::to_string(d), options.host_speed_flops)->seal();
  for (int i = 0; i < extra_hosts; ++i)
    p.extra.push_back(zone->create_host("extra" + std::to_string(i), options.host_speed_flops)->seal());
  const auto& g = topo.graph();
  for (auto v : boost::make_iterator_range(boost::vertices(g)))
    if (g[v].kind == topologies::VertexKind::kSwitch) zone->create_router("sw" + std::to_string(v));
  p.links.resize(topo.link_count());
  for (std::size_t l = 0; l < p.links.size(); ++l) {
    const auto id = static_cast<topologies::LinkId>(l);
    p.links[l] = zone->create_link("link" + std::to_string(l), links.bandwidth_Bps(id))
                     ->set_latency(options.link_latency ? topo.link(id).latency_s : 0.0)
                     ->set_sharing_policy(sg4::Link::SharingPolicy::SHARED)
                     ->seal();
  }
  std::vector<topologies::LinkId> path;
  std::vector<sg4::LinkInRoute> route;
  for (const auto& [src, dst] : pairs) {
    topo.single_path(src, dst, path);
    route.clear();
    for (auto l : path) route.emplace_back(p.links[l]);
    zone->add_route(p.devices[src]->get_netpoint(), p.devices[dst]->get_netpoint(), nullptr, nullptr, route,
                    false);
  }
  zone->seal();
  return p;
}

}  // namespace moesim::network
