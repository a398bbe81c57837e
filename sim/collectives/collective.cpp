#include "sim/collectives/collective.h"

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>

#include "sim/collectives/builders.h"
#include "sim/network/analytic_backend.h"

namespace moesim::collectives {
namespace {

constexpr std::array<std::pair<CollectiveOp, std::string_view>, 4> kOps{{
    {CollectiveOp::kAllToAll, "all-to-all"},
    {CollectiveOp::kAllReduce, "all-reduce"},
    {CollectiveOp::kReduceScatter, "reduce-scatter"},
    {CollectiveOp::kAllGather, "all-gather"},
}};
constexpr std::array<std::pair<Algorithm, std::string_view>, 12> kAlgorithms{{
    {Algorithm::kAuto, "auto"},
    {Algorithm::kDirect, "direct"},
    {Algorithm::kPairwise, "pairwise"},
    {Algorithm::kHierarchical, "hierarchical"},
    {Algorithm::kRing, "ring"},
    {Algorithm::kTree, "tree"},
    {Algorithm::kHierarchical2D, "hierarchical-2d"},
    {Algorithm::kNvls, "nvls"},
    {Algorithm::kNvlsTree, "nvls-tree"},
    {Algorithm::kSharp, "sharp"},
    {Algorithm::kPat, "pat"},
    {Algorithm::kTorus, "torus"},
}};
constexpr std::array<std::pair<Protocol, std::string_view>, 3> kProtocols{{
    {Protocol::kLL, "ll"},
    {Protocol::kLL128, "ll128"},
    {Protocol::kSimple, "simple"},
}};

template <typename Table>
std::string names_of(const Table& table) {
  std::string s;
  for (const auto& [value, name] : table) s += (s.empty() ? "" : ", ") + std::string(name);
  return s;
}

/// Candidates the library's tuner considers for `op` (hierarchical-2d is not an NCCL algorithm: only on
/// request).
std::vector<Algorithm> tuner_candidates(CollectiveOp op, const LibraryModel& lib) {
  // Most likely winners first: the tuner skips a candidate whose latencies and floors alone exceed the
  // best time found so far.
  if (op == CollectiveOp::kAllToAll)
    return {Algorithm::kDirect, Algorithm::kHierarchical, Algorithm::kPairwise};
  if (lib.library == Library::kIci) return {Algorithm::kTorus, Algorithm::kRing};
  if (op == CollectiveOp::kAllReduce)
    return {Algorithm::kNvls, Algorithm::kNvlsTree, Algorithm::kSharp, Algorithm::kTree, Algorithm::kRing};
  return {Algorithm::kNvls, Algorithm::kRing, Algorithm::kPat};
}

network::Schedule dispatch(Algorithm a, const detail::Build& b) {
  switch (a) {
    case Algorithm::kRing:
      return detail::ring(b);
    case Algorithm::kTree:
      return detail::tree(b);
    case Algorithm::kHierarchical2D:
      return detail::hierarchical_2d(b);
    case Algorithm::kNvls:
      return detail::nvls(b);
    case Algorithm::kNvlsTree:
      return detail::nvls_tree(b);
    case Algorithm::kSharp:
      return detail::sharp(b);
    case Algorithm::kPat:
      return detail::pat(b);
    case Algorithm::kTorus:
      return detail::torus(b);
    case Algorithm::kDirect:
      return detail::a2a_direct(b);
    case Algorithm::kPairwise:
      return detail::a2a_pairwise(b);
    case Algorithm::kHierarchical:
      return detail::a2a_hierarchical(b);
    case Algorithm::kAuto:
      break;
  }
  throw std::logic_error("dispatch: auto is not an algorithm");
}

void check_request(const CollectiveRequest& r, const topologies::Topology& topology) {
  const int n = static_cast<int>(r.group.size());
  if (n == 0) throw std::invalid_argument("a collective needs a non-empty group");
  std::vector<char> seen(static_cast<std::size_t>(topology.device_count()), 0);
  for (int d : r.group) {
    if (d < 0 || d >= topology.device_count())
      throw std::invalid_argument("device " + std::to_string(d) + " is not in the topology (" +
                                  std::to_string(topology.device_count()) + " devices)");
    if (seen[static_cast<std::size_t>(d)]++ != 0)
      throw std::invalid_argument("device " + std::to_string(d) + " appears twice in the group");
  }
  if (!(r.bytes >= 0)) throw std::invalid_argument("collective bytes must be >= 0");
  if (r.matrix != nullptr) {
    if (r.op != CollectiveOp::kAllToAll)
      throw std::invalid_argument("a byte matrix applies to all-to-all only");
    const auto& b = *r.matrix;
    if (b.n != n || b.bytes.size() != static_cast<std::size_t>(n) * n)
      throw std::invalid_argument("all-to-all byte matrix is " + std::to_string(b.n) + "x" +
                                  std::to_string(b.n) + " but the group has " + std::to_string(n) + " ranks");
    for (double v : b.bytes)
      if (!(v >= 0)) throw std::invalid_argument("all-to-all byte matrix entries must be >= 0");
  }
}

std::string applicable_list(const CollectiveRequest& r, const detail::GroupLayout& layout,
                            const LibraryModel& lib) {
  std::string s;
  for (const auto& [a, name] : kAlgorithms)
    if (a != Algorithm::kAuto && detail::applies(a, r, layout, lib))
      s += (s.empty() ? "" : ", ") + std::string(name);
  return s;
}

/// The algorithms to price: the tuner's candidates that apply, or the requested one (which must apply).
std::vector<Algorithm> algorithms_for(const CollectiveRequest& request, const detail::GroupLayout& layout,
                                      const LibraryModel& library) {
  std::vector<Algorithm> algos;
  if (request.algorithm == Algorithm::kAuto) {
    for (Algorithm a : tuner_candidates(request.op, library))
      if (detail::applies(a, request, layout, library)) algos.push_back(a);
  } else if (detail::applies(request.algorithm, request, layout, library)) {
    algos.push_back(request.algorithm);
  } else {
    throw std::invalid_argument(std::string(algorithm_name(request.algorithm)) + " does not apply to this " +
                                std::string(op_name(request.op)) + " on this group (applicable here: " +
                                applicable_list(request, layout, library) + ")");
  }
  return algos;
}

/// Plans fastest first; the ones priced from a structure-only build get their routed schedule (all of them,
/// or only the winner).
template <typename Build>
std::vector<CollectivePlan> sorted_plans(std::vector<CollectivePlan> out, const std::vector<bool>& routed,
                                         bool all_schedules, Build&& build) {
  std::vector<std::size_t> order(out.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return out[a].time_s < out[b].time_s; });
  std::vector<CollectivePlan> sorted;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::size_t i = order[k];
    if (!routed[i] && (all_schedules || k == 0)) out[i].schedule = build(out[i]);
    sorted.push_back(std::move(out[i]));
  }
  return sorted;
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

Protocol parse_protocol(std::string_view text) {
  for (const auto& [value, name] : kProtocols)
    if (name == text) return value;
  throw std::invalid_argument("unknown protocol '" + std::string(text) + "' (expected " +
                              names_of(kProtocols) + ")");
}

std::string CollectivePlan::label() const {
  std::string s(algorithm_name(algorithm));
  const bool one_protocol = algorithm == Algorithm::kDirect || algorithm == Algorithm::kPairwise ||
                            algorithm == Algorithm::kHierarchical || algorithm == Algorithm::kTorus;
  if (!one_protocol) {
    s += '/';
    s += protocol_name(protocol);
  }
  return s;
}

double bus_bandwidth_factor(CollectiveOp op, int n) {
  if (n <= 1) return 0;
  const double f = static_cast<double>(n - 1) / n;
  return op == CollectiveOp::kAllReduce ? 2 * f : f;
}

CollectiveModel::CollectiveModel(const topologies::Topology& topology)
    : topology_(topology),
      links_(network::LinkModel::of(topology)),
      library_(LibraryModel::of(topology, links_)) {}

CollectiveModel::CollectiveModel(const topologies::Topology& topology, network::LinkModel links,
                                 LibraryModel library)
    : topology_(topology), links_(std::move(links)), library_(std::move(library)) {}

network::Schedule CollectiveModel::schedule(const CollectiveRequest& request, Algorithm algorithm,
                                            Protocol protocol) const {
  check_request(request, topology_);
  const auto layout = detail::layout_of(request.group, topology_);
  if (!detail::applies(algorithm, request, layout, library_) || algorithm == Algorithm::kAuto)
    throw std::invalid_argument(std::string(algorithm_name(algorithm)) + " does not apply to this " +
                                std::string(op_name(request.op)) +
                                " (applicable here: " + applicable_list(request, layout, library_) + ")");
  return dispatch(algorithm, {request, layout, topology_, library_, protocol, true});
}

std::vector<CollectivePlan> CollectiveModel::price(const CollectiveRequest& request,
                                                   bool all_schedules) const {
  check_request(request, topology_);
  const auto layout = detail::layout_of(request.group, topology_);
  const auto algos = algorithms_for(request, layout, library_);
  std::vector<CollectivePlan> out;
  std::vector<bool> routed_plan;
  double best_s = std::numeric_limits<double>::infinity();
  for (Algorithm a : algos) {
    auto protos = detail::protocols_of(a, library_);
    if (request.protocol) {
      if (std::find(protos.begin(), protos.end(), *request.protocol) == protos.end()) continue;
      protos = {*request.protocol};
    }
    if (!all_schedules) {
      // Lower bound without routing: fixed latencies and protocol floors only.
      double bound = std::numeric_limits<double>::infinity();
      for (Protocol p : protos)
        bound = std::min(bound, network::time_from_busy_s(
                                    dispatch(a, {request, layout, topology_, library_, p, false}), {}));
      if (bound >= best_s) continue;
    }
    // Route once (Simple), then price every protocol from the per-phase link busy times.
    auto routed = dispatch(a, {request, layout, topology_, library_, Protocol::kSimple, true});
    const auto busy = network::phase_busy_s(routed, topology_, links_);
    for (Protocol p : protos) {
      CollectivePlan plan;
      plan.algorithm = a;
      plan.protocol = p;
      const bool simple = p == Protocol::kSimple;
      plan.schedule = simple ? routed : dispatch(a, {request, layout, topology_, library_, p, false});
      plan.time_s = network::time_from_busy_s(plan.schedule, busy);
      best_s = std::min(best_s, plan.time_s);
      out.push_back(std::move(plan));
      routed_plan.push_back(simple);
    }
  }
  if (out.empty())
    throw std::invalid_argument("protocol " + std::string(protocol_name(*request.protocol)) +
                                " does not apply to " + std::string(algorithm_name(request.algorithm)));
  return sorted_plans(std::move(out), routed_plan, all_schedules, [&](const CollectivePlan& p) {
    return dispatch(p.algorithm, {request, layout, topology_, library_, p.protocol, true});
  });
}

std::vector<CollectivePlan> CollectiveModel::candidates(const CollectiveRequest& request) const {
  return price(request, true);
}

CollectivePlan CollectiveModel::plan(const CollectiveRequest& request) const {
  auto all = price(request, false);
  return std::move(all.front());
}

network::Schedule build_schedule(const CollectiveRequest& request, const topologies::Topology& topology) {
  return CollectiveModel(topology).plan(request).schedule;
}

}  // namespace moesim::collectives
