#include "sim/step/network_pricer.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "sim/collectives/collective.h"
#include "sim/collectives/traffic_matrix.h"
#include "sim/network/simgrid_backend.h"
#include "workloads/config_error.h"

namespace moesim::sim {
namespace {

using Kind = NetworkDemand::Kind;
using collectives::Algorithm;
using collectives::CollectiveOp;

/// Bytes from member i to member j of an expert-parallel group: sender i's accepted copies for the
/// experts member j holds (its own routing draw), times the bytes of one token copy.
/// Dispatches that send a token once per group, device or node (DispatchUnit): sender i's transfers to
/// member j, times the share of its copies there that capacity accepted. Node dispatch (DeepSeek-V3
/// §3.2.2): a token crosses the network once to each destination node, to the GPU there with the sender's
/// position in its node (same rail), which forwards it over NVLink to the node's other chosen GPUs.
void add_deduplicated(const ExpertLoad& sender, int i, const workloads::RunSpec& run, double bytes_per_copy,
                      collectives::ByteMatrix& m) {
  const int ep = m.n;
  const auto& node = sender.member_node;
  const auto position = [&](int member) {
    int p = 0;
    for (int k = 0; k < member; ++k)
      p += node[static_cast<std::size_t>(k)] == node[static_cast<std::size_t>(member)];
    return p;
  };
  const auto keep = [&](int j) {
    const double routed = received_copies(run, sender, j);
    ExpertLoad accepted = sender;
    accepted.routed_tokens = sender.accepted_tokens;
    return routed > 0 ? received_copies(run, accepted, j) / routed : 1.0;
  };
  for (int j = 0; j < ep; ++j) {
    const double b = sender.member_transfers[static_cast<std::size_t>(j)] * keep(j) * bytes_per_copy;
    const int nj = node[static_cast<std::size_t>(j)];
    if (sender.dispatch != DispatchUnit::kNode || nj == node[static_cast<std::size_t>(i)]) {
      m.at(i, j) += b;
      continue;
    }
    // The forwarding GPU of node nj: the member there at this sender's position (else its first).
    int relay = -1, first = -1;
    for (int k = 0; k < ep; ++k) {
      if (node[static_cast<std::size_t>(k)] != nj) continue;
      if (first < 0) first = k;
      if (position(k) == position(i)) relay = k;
    }
    if (relay < 0) relay = first;
    if (j != relay) m.at(relay, j) += b;  // NVLink fan-out inside the destination node
  }
  for (int k = 0; k < ep; ++k) {  // the network legs: one transfer per token and destination node
    const int nk = node[static_cast<std::size_t>(k)];
    if (sender.dispatch != DispatchUnit::kNode || nk == node[static_cast<std::size_t>(i)]) continue;
    int relay = -1, first = -1;
    for (int r = 0; r < ep; ++r) {
      if (node[static_cast<std::size_t>(r)] != nk) continue;
      if (first < 0) first = r;
      if (position(r) == position(i)) relay = r;
    }
    if ((relay < 0 ? first : relay) != k) continue;
    m.at(i, k) += sender.node_transfers[static_cast<std::size_t>(nk)] * keep(k) * bytes_per_copy;
  }
}

collectives::ByteMatrix a2a_matrix(const BuiltStep& step, const workloads::RunSpec& run, int draw,
                                   bool transpose) {
  const int ep = step.layout.expert;
  const auto senders = sender_loads(step.loads[static_cast<std::size_t>(draw)], ep);
  const double bytes_per_copy =
      static_cast<double>(run.model.d_model) * workloads::bytes_per_element(run.training.precision);
  collectives::ByteMatrix m(ep);
  for (int i = 0; i < ep; ++i) {
    const auto& sender = senders[static_cast<std::size_t>(i)];
    if (sender.dispatch != DispatchUnit::kExpert && !sender.member_transfers.empty()) {
      add_deduplicated(sender, i, run, bytes_per_copy, m);
      continue;
    }
    for (int j = 0; j < ep; ++j) m.at(i, j) = received_copies(run, sender, j) * bytes_per_copy;
  }
  if (!transpose) return m;
  collectives::ByteMatrix t(ep);
  for (int i = 0; i < ep; ++i)
    for (int j = 0; j < ep; ++j) t.at(j, i) = m.at(i, j);
  return t;
}

/// The collective of a data-parallel demand: gradients all-reduced (ZeRO 0) or reduce-scattered (ZeRO >= 1),
/// weights all-gathered. `bytes` is the full buffer per rank in every case (nccl-tests convention).
collectives::CollectiveOp data_parallel_op(Kind kind) {
  switch (kind) {
    case Kind::kDpReduceScatter:
    case Kind::kExpertReduceScatter:
    case Kind::kExpertTpReduceScatter:
      return collectives::CollectiveOp::kReduceScatter;
    case Kind::kDpAllGather:
    case Kind::kExpertAllGather:
    case Kind::kExpertTpAllGather:
    case Kind::kTpAllGather:
      return collectives::CollectiveOp::kAllGather;
    default:
      return collectives::CollectiveOp::kAllReduce;
  }
}

Algorithm a2a_algorithm(const workloads::RunSpec& run) {
  switch (run.simulation.all_to_all) {
    case workloads::AllToAllAlgorithm::kDirect:
      return Algorithm::kDirect;
    case workloads::AllToAllAlgorithm::kPairwise:
      return Algorithm::kPairwise;
    case workloads::AllToAllAlgorithm::kHierarchical:
      return Algorithm::kHierarchical;
    case workloads::AllToAllAlgorithm::kAuto:
      break;
  }
  return Algorithm::kAuto;
}

/// Devices the step's collectives span.
int step_devices(const RankLayout& L) {
  return L.data * L.tensor * L.pipeline;
}

/// The groups of one demand, in the order their collectives run.
std::vector<std::vector<int>> groups_of(const NetworkDemand& d, const RankLayout& L) {
  std::vector<std::vector<int>> groups;
  switch (d.kind) {
    case Kind::kAllToAll:  // the members of one expert-data replica at one expert-tensor rank
      for (int g = 0; g < L.expert_data(); ++g)
        for (int t = 0; t < L.expert_tensor; ++t) {
          std::vector<int> group;
          for (int i = 0; i < L.expert; ++i) group.push_back(L.expert_device(d.stage, g, i, t));
          groups.push_back(std::move(group));
        }
      break;
    case Kind::kExpertTpAllGather:  // the devices holding the shards of one member's experts
    case Kind::kExpertTpReduceScatter:
      for (int g = 0; g < L.expert_data(); ++g)
        for (int i = 0; i < L.expert; ++i) {
          std::vector<int> group;
          for (int t = 0; t < L.expert_tensor; ++t) group.push_back(L.expert_device(d.stage, g, i, t));
          groups.push_back(std::move(group));
        }
      break;
    case Kind::kTpAllReduce:
    case Kind::kTpAllGather:
      for (int r = 0; r < L.data; ++r) {
        std::vector<int> group;
        for (int t = 0; t < L.tensor; ++t) group.push_back(L.device(d.stage, r, t));
        groups.push_back(std::move(group));
      }
      break;
    case Kind::kDpAllReduce:
    case Kind::kDpReduceScatter:
    case Kind::kDpAllGather:
      for (int t = 0; t < L.tensor; ++t) {
        std::vector<int> group;
        for (int r = 0; r < L.data; ++r) group.push_back(L.device(d.stage, r, t));
        groups.push_back(std::move(group));
      }
      break;
    case Kind::kExpertAllReduce:  // replicas of the same expert shard: one per expert-data rank
    case Kind::kExpertReduceScatter:
    case Kind::kExpertAllGather:
      for (int t = 0; t < L.expert_tensor; ++t)
        for (int m = 0; m < L.expert; ++m) {
          std::vector<int> group;
          for (int g = 0; g < L.expert_data(); ++g) group.push_back(L.expert_device(d.stage, g, m, t));
          groups.push_back(std::move(group));
        }
      break;
    case Kind::kP2p:
      break;
  }
  return groups;
}

/// What makes two groups of one demand equivalent for the library's choice: size, nodes, members per
/// node, and whether their members sit on distinct local ranks (rails).
std::tuple<std::size_t, int, int, int> shape_of(const std::vector<int>& group,
                                                const topologies::Topology& topo) {
  std::set<int> nodes, locals;
  for (int d : group) {
    nodes.insert(topo.node_of(d));
    locals.insert(topo.local_rank(d));
  }
  return {group.size(), static_cast<int>(nodes.size()), static_cast<int>(locals.size()),
          topo.local_rank(group.front())};
}

/// The library's choices made so far in this step, by (op, group shape, size to 1%): the routing draws
/// of one layer type give all-to-alls of nearly the same mean size, chosen once.
using PlanKey = std::tuple<int, std::tuple<std::size_t, int, int, int>, long long>;
using PlanCache = std::map<PlanKey, collectives::CollectivePlan>;

long long size_bucket(double bytes) {
  return bytes > 0 ? std::llround(std::log(bytes) / std::log(1.01)) : -1;
}

/// Byte matrices by routing draw in the combine's format (the combine of a draw is the transpose of its
/// dispatch, which is scaled to the dispatch's format).
using MatrixCache = std::map<int, collectives::ByteMatrix>;

collectives::ByteMatrix matrix_for(const NetworkDemand& d, const BuiltStep& step,
                                   const workloads::RunSpec& run, MatrixCache& cache) {
  auto it = cache.find(d.draw);
  if (it == cache.end()) it = cache.emplace(d.draw, a2a_matrix(step, run, d.draw, false)).first;
  if (!d.transpose) {  // the dispatch direction, in its own format
    const double scale = run.training.dispatch_bytes_per_element() / run.training.combine_bytes_per_element();
    if (scale == 1.0) return it->second;
    collectives::ByteMatrix m = it->second;
    for (int i = 0; i < m.n; ++i)
      for (int j = 0; j < m.n; ++j) m.at(i, j) *= scale;
    return m;
  }
  collectives::ByteMatrix t(it->second.n);
  for (int i = 0; i < t.n; ++i)
    for (int j = 0; j < t.n; ++j) t.at(j, i) = it->second.at(i, j);
  return t;
}

/// Pipeline p2p: every device of a stage sends to its peer of the next stage. NCCL's launch (Ring/Simple
/// base latency) plus one network step.
network::Schedule p2p_schedule(const NetworkDemand& d, const RankLayout& L,
                               const collectives::LibraryModel& lib) {
  network::Schedule s;
  s.name = "pipeline-p2p";
  s.launch_s = lib.base_latency_s(collectives::NcclAlgo::kRing, collectives::Protocol::kSimple) +
               lib.hop_latency_s(collectives::NcclPath::kNet, collectives::NcclAlgo::kRing,
                                 collectives::Protocol::kSimple);
  network::Phase phase;
  phase.efficiency = lib.p2p_efficiency(true);
  for (int r = 0; r < L.data; ++r)
    for (int t = 0; t < L.tensor; ++t)
      phase.transfers.push_back(
          {L.device(d.stage, r, t), L.device((d.stage + 1) % L.pipeline, r, t), d.bytes});
  s.phases.push_back(std::move(phase));
  return s;
}

/// Every group's schedule of a collective demand, with the library's choice made once per group shape and
/// size (an all-to-all is chosen on its mean exchange, the nccl-tests uniform matrix of the same bytes,
/// which the routing draws of a layer share, and then priced on its own skewed matrix). Fills the demand's
/// algorithm labels and payload bytes.
std::vector<network::Schedule> collective_schedules(const NetworkDemand& d, const BuiltStep& step,
                                                    const workloads::RunSpec& run,
                                                    const collectives::CollectiveModel& model,
                                                    PlanCache& chosen, MatrixCache& matrices,
                                                    std::set<std::string>& labels, double& payload_bytes) {
  const auto groups = groups_of(d, step.layout);
  collectives::ByteMatrix matrix;
  collectives::CollectiveRequest r;
  if (d.kind == Kind::kAllToAll) {
    matrix = matrix_for(d, step, run, matrices);
    r.op = CollectiveOp::kAllToAll;
    r.algorithm = a2a_algorithm(run);
    r.matrix = &matrix;
    r.bytes = matrix.total() / step.layout.expert;
  } else {
    r.op = data_parallel_op(d.kind);
    r.bytes = d.bytes;
  }
  std::vector<network::Schedule> schedules;
  for (const auto& g : groups) {
    r.group = g;
    const PlanKey key{static_cast<int>(r.op), shape_of(g, model.topology()), size_bucket(r.bytes)};
    auto it = chosen.find(key);
    if (it == chosen.end()) {
      auto mean = r;
      mean.matrix = nullptr;
      it = chosen.emplace(key, model.plan(mean)).first;
    }
    schedules.push_back(model.schedule(r, it->second.algorithm, it->second.protocol));
    labels.insert(it->second.label());
  }
  payload_bytes = 0;
  for (const auto& s : schedules) payload_bytes += s.network_bytes();
  if (d.kind == Kind::kAllToAll) {  // logical payload: PXN forwarding legs are not extra payload
    double off_diagonal = 0;
    for (int i = 0; i < matrix.n; ++i)
      for (int j = 0; j < matrix.n; ++j)
        if (i != j) off_diagonal += matrix.at(i, j);
    payload_bytes = off_diagonal * static_cast<double>(groups.size());
  }
  return schedules;
}

/// The schedules of demand `d`: its groups' collectives, or the pipeline p2p.
std::vector<network::Schedule> schedules_of(const NetworkDemand& d, const BuiltStep& step,
                                            const workloads::RunSpec& run,
                                            const collectives::CollectiveModel& model, PlanCache& chosen,
                                            MatrixCache& matrices, std::set<std::string>& labels,
                                            double& payload_bytes) {
  if (d.kind != Kind::kP2p)
    return collective_schedules(d, step, run, model, chosen, matrices, labels, payload_bytes);
  auto s = p2p_schedule(d, step.layout, model.library());
  payload_bytes = s.network_bytes();
  labels.insert("p2p");
  return {std::move(s)};
}

DemandPrice price_one(const NetworkDemand& d, const BuiltStep& step, const workloads::RunSpec& run,
                      const collectives::CollectiveModel& model, network::NetworkBackend& backend,
                      PlanCache& chosen, MatrixCache& matrices) {
  std::set<std::string> labels;
  DemandPrice p;
  const auto schedules = schedules_of(d, step, run, model, chosen, matrices, labels, p.network_bytes);
  for (const auto& l : labels) p.algorithm += (p.algorithm.empty() ? "" : ",") + l;
  if (schedules.empty()) return p;
  const auto result = backend.simulate(schedules);
  p.time_s = result.time_s;
  for (const auto& s : schedules)
    p.latency_s = std::max(p.latency_s, std::min(s.fixed_latency_s(), p.time_s));
  p.tier_bytes = result.tier_bytes;
  p.tier_busy_s = result.tier_busy_s;
  p.busiest_link = result.busiest_link;
  p.busiest_link_utilisation = result.busiest_link_utilisation;
  return p;
}

}  // namespace

std::vector<DemandPrice> price_demands(const BuiltStep& step, const workloads::RunSpec& run,
                                       const topologies::Topology& topology,
                                       network::NetworkBackend& backend) {
  const int devices = step_devices(step.layout);
  if (backend.kind() == network::BackendKind::kFlow && devices > network::kFlowMaxEndpoints) {
    throw ConfigError("", 0, "simulation.backend",
                      "the flow backend simulates at most " + std::to_string(network::kFlowMaxEndpoints) +
                          " endpoints and this step spans " + std::to_string(devices) +
                          " devices; use backend analytic or ptask");
  }
  const collectives::CollectiveModel model(topology);
  PlanCache chosen;
  MatrixCache matrices;
  std::vector<DemandPrice> prices;
  for (const auto& d : step.demands)
    prices.push_back(price_one(d, step, run, model, backend, chosen, matrices));
  return prices;
}

std::vector<std::vector<network::Schedule>> demand_schedules(const BuiltStep& step,
                                                             const workloads::RunSpec& run,
                                                             const topologies::Topology& topology) {
  const collectives::CollectiveModel model(topology);
  PlanCache chosen;
  MatrixCache matrices;
  std::vector<std::vector<network::Schedule>> out;
  for (const auto& d : step.demands) {
    std::set<std::string> labels;
    double payload = 0;
    out.push_back(schedules_of(d, step, run, model, chosen, matrices, labels, payload));
  }
  return out;
}

}  // namespace moesim::sim
