// The transfers of one phase as SimGrid activities (declared in sim/network/simgrid_phase.h).
#include "sim/network/simgrid_phase.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace sg4 = simgrid::s4u;

namespace moesim::network {

/// The network activities of one phase: one parallel task over its participants (dense bytes matrix) when
/// that is affordable, else one 2-host parallel task per transfer (ptask); one flow per transfer (flow).
std::vector<sg4::ActivityPtr> phase_activities(const Phase& phase, const std::vector<sg4::Host*>& devices,
                                               BackendKind kind) {
  const double scale = phase.repeat / phase.efficiency;  // bytes the links carry at their achievable rate
  std::vector<const Transfer*> real;
  for (const auto& t : phase.transfers)
    if (t.src != t.dst && t.bytes > 0) real.push_back(&t);
  std::vector<sg4::ActivityPtr> out;
  if (kind == BackendKind::kFlow) {
    for (const auto* t : real) {
      auto c = sg4::Comm::sendto_init(devices[static_cast<std::size_t>(t->src)],
                                      devices[static_cast<std::size_t>(t->dst)]);
      c->set_payload_size(static_cast<std::uint64_t>(std::llround(t->bytes * scale)));
      out.push_back(c);
    }
    return out;
  }
  std::vector<int> members;
  for (const auto* t : real) {
    members.push_back(t->src);
    members.push_back(t->dst);
  }
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  const double k = static_cast<double>(members.size());
  if (!real.empty() && k * k <= 16.0 * static_cast<double>(real.size())) {
    std::unordered_map<int, std::size_t> index;
    std::vector<sg4::Host*> hosts;
    for (int d : members) {
      index.emplace(d, hosts.size());
      hosts.push_back(devices[static_cast<std::size_t>(d)]);
    }
    std::vector<double> bytes(members.size() * members.size(), 0.0);
    for (const auto* t : real) bytes[index[t->src] * members.size() + index[t->dst]] += t->bytes * scale;
    auto exec = sg4::Exec::init();
    exec->set_hosts(hosts)
        ->set_flops_amounts(std::vector<double>(members.size(), 0.0))
        ->set_bytes_amounts(bytes);
    out.push_back(exec);
    return out;
  }
  for (const auto* t : real) {
    auto exec = sg4::Exec::init();
    exec->set_hosts({devices[static_cast<std::size_t>(t->src)], devices[static_cast<std::size_t>(t->dst)]})
        ->set_flops_amounts({0.0, 0.0})
        ->set_bytes_amounts({0.0, t->bytes * scale, 0.0, 0.0});
    out.push_back(exec);
  }
  return out;
}

}  // namespace moesim::network
