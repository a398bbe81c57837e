#include "topologies/torus_topology.h"

#include <algorithm>
#include <sstream>

namespace moesim::topologies {

TorusTopology::TorusTopology(const ClusterSpec& spec)
    : GraphTopology(spec.devices, spec.torus.chips_per_host),
      spec_(spec),
      dims_(spec.torus.dims),
      link_Bps_(spec.torus.link_bandwidth_Bps) {
  validate_cluster(spec);
  for (std::size_t k = 1; k < dims_.size(); ++k) stride_[k] = stride_[k - 1] * dims_[k - 1];
  // Aggregated view: blocks of up to 4 per dimension (a TPUv4 pod -> its 64 cubes).
  const int nd = static_cast<int>(dims_.size());
  std::array<int, 3> block{1, 1, 1}, blocks{1, 1, 1};
  for (int k = 0; k < nd; ++k) {
    blocks[k] = std::min(dims_[k], 4);
    block[k] = (dims_[k] + blocks[k] - 1) / blocks[k];
  }
  for (int b = 0; b < blocks[0] * blocks[1] * blocks[2]; ++b) {
    std::ostringstream name;
    name << "chips";
    for (int k = 0, rest = b; k < nd; ++k, rest /= blocks[k - 1]) {
      const int i = rest % blocks[k];
      name << (k ? "," : "[") << i * block[k] << "-" << std::min(dims_[k], (i + 1) * block[k]) - 1;
    }
    name << "]";
    add_group(name.str());
  }
  for (int d = 0; d < devices_; ++d) {
    int g = 0;
    for (int k = nd - 1; k >= 0; --k) g = g * blocks[k] + coord(d, k) / block[k];
    add_vertex(VertexKind::kDevice, d, "chip" + std::to_string(d), g);
  }
  next_plus_.resize(static_cast<std::size_t>(devices_) * nd);
  next_minus_.resize(next_plus_.size());
  for (int d = 0; d < devices_; ++d) {
    for (int k = 0; k < nd; ++k) {
      next_plus_[static_cast<std::size_t>(d) * nd + k] = neighbour(d, k, +1);
      next_minus_[static_cast<std::size_t>(d) * nd + k] = neighbour(d, k, -1);
    }
  }
  const int tier = tier_id("ici");
  plus_.assign(static_cast<std::size_t>(devices_) * nd, 0);
  minus_.assign(plus_.size(), 0);
  for (int d = 0; d < devices_; ++d) {
    for (int k = 0; k < nd; ++k) {
      if (dims_[k] < 2 || (dims_[k] == 2 && coord(d, k) == 1)) continue;
      if (!wraps(k) && coord(d, k) == dims_[k] - 1) continue;  // no wrap-around cable on this axis
      const int n = step(d, k, +1);
      auto [fwd, back] = add_cable(d, n, link_Bps_, spec.torus.link_latency_s, tier);
      plus_[static_cast<std::size_t>(d) * nd + k] = fwd;
      minus_[static_cast<std::size_t>(n) * nd + k] = back;
      if (dims_[k] == 2) {  // one cable: it is both the + and the - neighbour
        minus_[static_cast<std::size_t>(d) * nd + k] = fwd;
        plus_[static_cast<std::size_t>(n) * nd + k] = back;
      }
    }
  }
  finalize();
}

int TorusTopology::neighbour(int device, int k, int dir) const {
  const int c = coord(device, k);
  const int next = (c + dir + dims_[k]) % dims_[k];
  return device + (next - c) * stride_[k];
}

TorusTopology::Leg TorusTopology::leg(int k, int from, int to) const {
  const int dk = dims_[static_cast<std::size_t>(k)];
  if (!wraps(k)) return to >= from ? Leg{+1, to - from, false} : Leg{-1, from - to, false};
  const int delta = (to - from + dk) % dk;
  if (dk > 2 && delta != 0 && 2 * delta == dk) return {+1, delta, true};  // tie: half each way
  return 2 * delta < dk ? Leg{+1, delta, false} : Leg{-1, dk - delta, false};
}

void TorusTopology::route(int src, int dst, std::vector<RouteHop>& out) const {
  out.clear();
  int at = src;
  for (std::size_t k = 0; k < dims_.size(); ++k) {
    const int ki = static_cast<int>(k);
    const Leg l = leg(ki, coord(at, ki), coord(dst, ki));
    if (l.split) {
      int p = at, m = at;
      for (int i = 0; i < l.hops; ++i) {
        out.push_back({step_link(p, ki, +1), 0.5});
        p = step(p, ki, +1);
        out.push_back({step_link(m, ki, -1), 0.5});
        m = step(m, ki, -1);
      }
      at = p;
      continue;
    }
    for (int i = 0; i < l.hops; ++i) {
      out.push_back({step_link(at, ki, l.dir), 1.0});
      at = step(at, ki, l.dir);
    }
  }
}

void TorusTopology::single_path(int src, int dst, std::vector<LinkId>& out) const {
  out.clear();
  int at = src;
  for (std::size_t k = 0; k < dims_.size(); ++k) {
    const int ki = static_cast<int>(k);
    const Leg l = leg(ki, coord(at, ki), coord(dst, ki));  // a tie takes the + direction
    for (int i = 0; i < l.hops; ++i) {
      out.push_back(step_link(at, ki, l.dir));
      at = step(at, ki, l.dir);
    }
  }
}

int TorusTopology::hop_count(int src, int dst) const {
  int hops = 0;
  for (std::size_t k = 0; k < dims_.size(); ++k) {
    const int ki = static_cast<int>(k);
    hops += leg(ki, coord(src, ki), coord(dst, ki)).hops;
  }
  return hops;
}

long long TorusTopology::path_count(int src, int dst) const {
  long long paths = 1;
  for (std::size_t k = 0; k < dims_.size(); ++k) {
    const int ki = static_cast<int>(k);
    if (leg(ki, coord(src, ki), coord(dst, ki)).split) paths *= 2;
  }
  return paths;
}

double TorusTopology::bisection_bandwidth_Bps() const {
  // Cutting the longest dimension in half crosses, per ring along it, 2 cables (1 when the size is 2 or the
  // axis has no wrap-around).
  const auto it = std::max_element(dims_.begin(), dims_.end());
  const int longest = *it;
  if (longest < 2) return 0;
  const double rings = static_cast<double>(devices_) / longest;
  const bool two = longest > 2 && wraps(static_cast<int>(it - dims_.begin()));
  return rings * (two ? 2 : 1) * link_Bps_;
}

std::string TorusTopology::description() const {
  std::ostringstream o;
  o << dims_.size() << "D torus ";
  for (std::size_t k = 0; k < dims_.size(); ++k) o << (k ? "x" : "") << dims_[k];
  bool all = true, none = true;
  for (std::size_t k = 0; k < dims_.size(); ++k) (wraps(static_cast<int>(k)) ? none : all) = false;
  o << (all    ? " with wrap-around, "
        : none ? " without wrap-around (a mesh), "
               : " with wrap-around on some axes, ")
    << devices_per_node_ << " chips per host";
  return o.str();
}

}  // namespace moesim::topologies
