#include "sim/collectives/collective.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <unordered_map>

namespace moesim::collectives {
namespace {

constexpr std::array<std::pair<CollectiveOp, std::string_view>, 4> kOps{{
    {CollectiveOp::kAllToAll, "all-to-all"},
    {CollectiveOp::kAllReduce, "all-reduce"},
    {CollectiveOp::kReduceScatter, "reduce-scatter"},
    {CollectiveOp::kAllGather, "all-gather"},
}};
constexpr std::array<std::pair<Algorithm, std::string_view>, 7> kAlgorithms{{
    {Algorithm::kAuto, "auto"},
    {Algorithm::kDirect, "direct"},
    {Algorithm::kPairwise, "pairwise"},
    {Algorithm::kHierarchical, "hierarchical"},
    {Algorithm::kRing, "ring"},
    {Algorithm::kTree, "tree"},
    {Algorithm::kHierarchical2D, "hierarchical-2d"},
}};

template <typename Table>
std::string names_of(const Table& table) {
  std::string s;
  for (const auto& [value, name] : table) s += (s.empty() ? "" : ", ") + std::string(name);
  return s;
}

}  // namespace

std::string_view op_name(CollectiveOp op) {
  for (const auto& [value, name] : kOps)
    if (value == op) return name;
  return "?";
}

std::string_view algorithm_name(Algorithm a) {
  for (const auto& [value, name] : kAlgorithms)
    if (value == a) return name;
  return "?";
}

CollectiveOp parse_op(std::string_view text) {
  for (const auto& [value, name] : kOps)
    if (name == text) return value;
  throw std::invalid_argument("unknown collective '" + std::string(text) + "' (expected " + names_of(kOps) +
                              ")");
}

Algorithm parse_algorithm(std::string_view text) {
  for (const auto& [value, name] : kAlgorithms)
    if (name == text) return value;
  throw std::invalid_argument("unknown algorithm '" + std::string(text) + "' (expected " +
                              names_of(kAlgorithms) + ")");
}

Algorithm resolve_algorithm(CollectiveOp op, Algorithm a) {
  if (a != Algorithm::kAuto) return a;
  return op == CollectiveOp::kAllToAll ? Algorithm::kDirect : Algorithm::kRing;
}

double bus_bandwidth_factor(CollectiveOp op, int n) {
  if (n <= 1) return 0;
  const double f = static_cast<double>(n - 1) / n;
  return op == CollectiveOp::kAllReduce ? 2 * f : f;
}

NodeLayout node_layout(const std::vector<int>& group, const topologies::Topology& topology) {
  NodeLayout layout;
  std::unordered_map<int, int> node_to_m;
  for (int d : group) {
    auto [it, fresh] = node_to_m.emplace(topology.node_of(d), layout.nodes);
    if (fresh) {
      ++layout.nodes;
      layout.members.emplace_back();
    }
    layout.node_index.push_back(it->second);
    layout.local_index.push_back(static_cast<int>(layout.members[it->second].size()));
    layout.members[it->second].push_back(d);
  }
  layout.per_node = static_cast<int>(layout.members.front().size());
  for (const auto& m : layout.members)
    if (static_cast<int>(m.size()) != layout.per_node)
      throw std::invalid_argument(
          "hierarchical algorithms need the same number of group members on every node");
  return layout;
}

void set_step_overhead(network::Phase& phase, const topologies::Topology& topology,
                       const LibraryParams& params) {
  bool inter = false;
  for (const auto& t : phase.transfers)
    if (t.bytes > 0 && topology.node_of(t.src) != topology.node_of(t.dst)) {
      inter = true;
      break;
    }
  phase.overhead_s = inter ? params.step_inter_node_s : params.step_intra_node_s;
  std::vector<int> messages(static_cast<std::size_t>(topology.device_count()), 0);
  int most = 0;
  for (const auto& t : phase.transfers)
    if (t.bytes > 0 && t.src != t.dst) most = std::max(most, ++messages[static_cast<std::size_t>(t.src)]);
  if (most > 1) phase.overhead_s += (most - 1) * params.message_s;
}

void append_ring_steps(network::Schedule& schedule, std::size_t first_phase, const std::vector<int>& ring,
                       int steps, double bytes_per_step) {
  const std::size_t n = ring.size();
  if (n < 2 || steps <= 0) return;
  if (schedule.phases.size() < first_phase + steps) schedule.phases.resize(first_phase + steps);
  for (int s = 0; s < steps; ++s) {
    auto& transfers = schedule.phases[first_phase + s].transfers;
    for (std::size_t i = 0; i < n; ++i) transfers.push_back({ring[i], ring[(i + 1) % n], bytes_per_step});
  }
}

network::Schedule build_schedule(const CollectiveRequest& request, const topologies::Topology& topology,
                                 const LibraryParams& params) {
  const int n = static_cast<int>(request.group.size());
  if (n == 0) throw std::invalid_argument("a collective needs a non-empty group");
  for (int d : request.group)
    if (d < 0 || d >= topology.device_count())
      throw std::invalid_argument("device " + std::to_string(d) + " is not in the topology (" +
                                  std::to_string(topology.device_count()) + " devices)");
  if (!(request.bytes >= 0)) throw std::invalid_argument("collective bytes must be >= 0");
  const Algorithm a = resolve_algorithm(request.op, request.algorithm);
  network::Schedule schedule;
  switch (request.op) {
    case CollectiveOp::kAllToAll:
      schedule = build_all_to_all(request, a, topology, params);
      break;
    case CollectiveOp::kAllReduce:
      schedule = build_all_reduce(request, a, topology, params);
      break;
    case CollectiveOp::kReduceScatter:
    case CollectiveOp::kAllGather:
      if (a != Algorithm::kRing)
        throw std::invalid_argument(std::string(op_name(request.op)) + " implements only the ring algorithm");
      // n-1 steps; in each every rank passes one 1/n slice to its successor (reduced or gathered).
      append_ring_steps(schedule, 0, request.group, n - 1, request.bytes / n);
      break;
  }
  schedule.name = std::string(op_name(request.op)) + "/" + std::string(algorithm_name(a));
  schedule.launch_s = params.launch_s;
  for (auto& p : schedule.phases) set_step_overhead(p, topology, params);
  return schedule;
}

}  // namespace moesim::collectives
