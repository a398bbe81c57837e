#include "topologies/dragonfly.h"

#include <sstream>

#include "topologies/cluster_topology.h"

namespace moesim::topologies {

Dragonfly::Dragonfly(const ClusterSpec& spec, ClusterTopology& topo)
    : a_(spec.dragonfly.routers_per_group),
      h_(spec.dragonfly.global_links_per_router),
      nics_per_router_(spec.dragonfly.nics_per_router),
      local_Bps_(spec.dragonfly.local_bandwidth_Bps),
      global_Bps_(spec.dragonfly.global_bandwidth_Bps) {
  const int endpoints = spec.node_count() * spec.node.nics;
  groups_ = ((endpoints + nics_per_router_ - 1) / nics_per_router_ + a_ - 1) / a_;
  routers_ = groups_ * a_;
  for (int g = 0; g < groups_; ++g) {
    const int grp = topo.add_group("group" + std::to_string(g));
    for (int i = 0; i < a_; ++i) {
      const int r = g * a_ + i;
      router_vertex_.push_back(topo.add_vertex(VertexKind::kSwitch, r, "router" + std::to_string(r), grp));
    }
  }
  const int local_tier = topo.tier_id("local");
  local_.resize(static_cast<std::size_t>(groups_) * a_ * a_);
  for (int g = 0; g < groups_; ++g) {
    for (int i = 0; i < a_; ++i) {
      for (int j = i + 1; j < a_; ++j) {
        auto [ij, ji] = topo.add_cable(router_vertex_[g * a_ + i], router_vertex_[g * a_ + j], local_Bps_,
                                       spec.dragonfly.local_latency_s, local_tier);
        local_[(static_cast<std::size_t>(g) * a_ + i) * a_ + j] = ij;
        local_[(static_cast<std::size_t>(g) * a_ + j) * a_ + i] = ji;
      }
    }
  }
  if (groups_ < 2) return;
  const int global_tier = topo.tier_id("global");
  global_.resize(static_cast<std::size_t>(groups_) * groups_);
  for (int x = 0; x < groups_; ++x) {
    for (int y = x + 1; y < groups_; ++y) {
      auto [xy, yx] =
          topo.add_cable(router_vertex_[x * a_ + gateway(x, y)], router_vertex_[y * a_ + gateway(y, x)],
                         global_Bps_, spec.dragonfly.global_latency_s, global_tier);
      global_[static_cast<std::size_t>(x) * groups_ + y] = xy;
      global_[static_cast<std::size_t>(y) * groups_ + x] = yx;
    }
  }
}

template <typename F>
void Dragonfly::walk(int a, int b, F&& f) const {
  const int ga = a / a_, gb = b / a_, ia = a % a_, ib = b % a_;
  if (ga == gb) {
    f(local(ga, ia, ib));
    return;
  }
  const int out_gw = gateway(ga, gb), in_gw = gateway(gb, ga);
  if (ia != out_gw) f(local(ga, ia, out_gw));
  f(global_[static_cast<std::size_t>(ga) * groups_ + gb]);
  if (in_gw != ib) f(local(gb, in_gw, ib));
}

void Dragonfly::route(int a, int b, double fraction, std::vector<RouteHop>& out) const {
  walk(a, b, [&](LinkId l) { out.push_back({l, fraction}); });
}

void Dragonfly::single_path(int a, int b, int, int, std::vector<LinkId>& out) const {
  walk(a, b, [&](LinkId l) { out.push_back(l); });
}

int Dragonfly::hops(int a, int b) const {
  int n = 0;
  walk(a, b, [&](LinkId) { ++n; });
  return n;
}

double Dragonfly::bisection_Bps() const {
  if (groups_ >= 2) return (groups_ / 2) * (groups_ - groups_ / 2) * global_Bps_;
  return (a_ / 2) * (a_ - a_ / 2) * local_Bps_;
}

std::string Dragonfly::description() const {
  std::ostringstream o;
  o << "dragonfly: " << groups_ << " groups x " << a_ << " routers (" << nics_per_router_ << " NICs, " << h_
    << " global links each)";
  return o.str();
}

}  // namespace moesim::topologies
