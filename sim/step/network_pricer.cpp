#include "sim/step/network_pricer.h"

#include <algorithm>

#include "sim/collectives/collective.h"
#include "sim/collectives/traffic_matrix.h"

namespace moesim::sim {
namespace {

using Kind = NetworkDemand::Kind;

collectives::ByteMatrix a2a_matrix(const BuiltStep& step, const workloads::RunSpec& run, int draw,
                                   bool transpose) {
  const int ep = step.layout.expert;
  const auto& load = step.loads[static_cast<std::size_t>(draw)];
  const double bytes_per_copy =
      static_cast<double>(run.model.d_model) * workloads::bytes_per_element(run.training.precision);
  collectives::ByteMatrix m(ep);
  for (int j = 0; j < ep; ++j) {
    // Every sender routes the same share of its tokens to receiver j's experts (senders are statistically
    // identical; the skew is in which receivers are hot).
    const double per_sender = received_copies(run, load, j) / ep * bytes_per_copy;
    for (int i = 0; i < ep; ++i) (transpose ? m.at(j, i) : m.at(i, j)) = per_sender;
  }
  return m;
}

/// The collective of a data-parallel demand: gradients all-reduced (ZeRO 0) or reduce-scattered (ZeRO >= 1),
/// weights all-gathered. `bytes` is the full buffer per rank in every case (nccl-tests convention).
collectives::CollectiveOp data_parallel_op(Kind kind) {
  switch (kind) {
    case Kind::kDpReduceScatter:
    case Kind::kExpertReduceScatter:
      return collectives::CollectiveOp::kReduceScatter;
    case Kind::kDpAllGather:
    case Kind::kExpertAllGather:
      return collectives::CollectiveOp::kAllGather;
    default:
      return collectives::CollectiveOp::kAllReduce;
  }
}

}  // namespace

std::vector<network::Schedule> demand_schedules(const BuiltStep& step, const workloads::RunSpec& run,
                                                const topologies::Topology& topology,
                                                const NetworkDemand& d) {
  const auto& L = step.layout;
  std::vector<network::Schedule> schedules;
  {
    std::vector<collectives::ByteMatrix> matrices;  // kept alive while requests point at them
    auto add = [&](collectives::CollectiveOp op, std::vector<int> group, double bytes,
                   const collectives::ByteMatrix* m) {
      collectives::CollectiveRequest r;
      r.op = op;
      // NCCL's tuner picks its double binary tree over the ring for latency-bound all-reduces across many
      // nodes (tree latency grows with log(n), ring with n; NCCL 2.4 release notes; Sanders et al. 2009),
      // and the ring for large buffers, where it reaches full bandwidth. 64 MiB is moesim's cut-over.
      constexpr double kTreeMaxBytes = 64.0 * 1024 * 1024;
      if (op == collectives::CollectiveOp::kAllReduce && group.size() > 16 && bytes < kTreeMaxBytes &&
          topology.node_of(group.front()) != topology.node_of(group.back())) {
        r.algorithm = collectives::Algorithm::kTree;
      }
      r.group = std::move(group);
      r.bytes = bytes;
      r.matrix = m;
      schedules.push_back(collectives::build_schedule(r, topology));
    };
    switch (d.kind) {
      case Kind::kAllToAll: {
        matrices.push_back(a2a_matrix(step, run, d.draw, d.transpose));
        for (int g = 0; g < L.data / L.expert; ++g) {
          for (int t = 0; t < L.tensor; ++t) {
            std::vector<int> group;
            for (int i = 0; i < L.expert; ++i) group.push_back(L.device(d.stage, g * L.expert + i, t));
            add(collectives::CollectiveOp::kAllToAll, std::move(group), matrices.back().total() / L.expert,
                &matrices.back());
          }
        }
        break;
      }
      case Kind::kTpAllReduce:
        for (int r = 0; r < L.data; ++r) {
          std::vector<int> group;
          for (int t = 0; t < L.tensor; ++t) group.push_back(L.device(d.stage, r, t));
          add(collectives::CollectiveOp::kAllReduce, std::move(group), d.bytes, nullptr);
        }
        break;
      case Kind::kDpAllReduce:
      case Kind::kDpReduceScatter:
      case Kind::kDpAllGather:
        for (int t = 0; t < L.tensor; ++t) {
          std::vector<int> group;
          for (int r = 0; r < L.data; ++r) group.push_back(L.device(d.stage, r, t));
          add(data_parallel_op(d.kind), std::move(group), d.bytes, nullptr);
        }
        break;
      case Kind::kExpertAllReduce:  // replicas of the same experts: data ranks equal modulo the expert degree
      case Kind::kExpertReduceScatter:
      case Kind::kExpertAllGather:
        for (int t = 0; t < L.tensor; ++t) {
          for (int m = 0; m < L.expert; ++m) {
            std::vector<int> group;
            for (int r = m; r < L.data; r += L.expert) group.push_back(L.device(d.stage, r, t));
            add(data_parallel_op(d.kind), std::move(group), d.bytes, nullptr);
          }
        }
        break;
      case Kind::kP2p: {
        network::Schedule s;
        s.name = "pipeline-p2p";
        network::Phase phase;
        for (int r = 0; r < L.data; ++r) {
          for (int t = 0; t < L.tensor; ++t) {
            phase.transfers.push_back(
                {L.device(d.stage, r, t), L.device((d.stage + 1) % L.pipeline, r, t), d.bytes});
          }
        }
        s.phases.push_back(std::move(phase));
        schedules.push_back(std::move(s));
        break;
      }
    }
  }
  return schedules;
}

std::vector<DemandPrice> price_demands(const BuiltStep& step, const workloads::RunSpec& run,
                                       const topologies::Topology& topology,
                                       network::NetworkBackend& backend) {
  std::vector<DemandPrice> prices;
  for (const auto& d : step.demands) {
    const auto schedules = demand_schedules(step, run, topology, d);
    DemandPrice p;
    for (const auto& s : schedules) p.network_bytes += s.network_bytes();
    if (p.network_bytes > 0 || !schedules.empty()) {
      const auto result = backend.simulate(schedules);
      p.time_s = result.time_s;
      p.tier_busy_s.assign(topology.tiers().size(), 0.0);
      for (std::size_t l = 0; l < result.link_bytes.size(); ++l) {
        const auto& link = topology.link(static_cast<topologies::LinkId>(l));
        auto& busy = p.tier_busy_s[static_cast<std::size_t>(link.tier)];
        busy = std::max(busy, result.link_bytes[l] / link.bandwidth_Bps);
      }
      for (const auto& s : schedules) {
        double fixed = s.launch_s;
        for (const auto& ph : s.phases) fixed += ph.overhead_s;
        p.latency_s = std::max(p.latency_s, std::min(fixed, p.time_s));
      }
      p.tier_bytes = result.tier_bytes;
      p.busiest_link = result.busiest_link;
      p.busiest_link_utilisation = result.busiest_link_utilisation;
    }
    prices.push_back(std::move(p));
  }
  return prices;
}

}  // namespace moesim::sim
