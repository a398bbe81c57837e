// Which tokens reach which device of an expert-parallel group (declared in sim/step/step_builder.h).
#include "sim/step/step_builder.h"

#include <algorithm>

#include "workloads/config_error.h"

namespace moesim::sim {

double routed_tokens_per_group(const workloads::RunSpec& run) {
  const auto& p = run.parallelism;
  return static_cast<double>(run.training.global_batch_tokens) /
         static_cast<double>(p.data * p.micro_batches) / static_cast<double>(p.tensor) *
         static_cast<double>(p.expert);
}

double received_copies(const workloads::RunSpec& run, const ExpertLoad& load, int member) {
  const auto ep = run.parallelism.expert;
  const auto experts = run.model.experts;
  if (run.simulation.padded_dispatch) {  // every expert's full capacity buffer, whatever its load
    return ep >= experts ? load.capacity_tokens / static_cast<double>(ep / experts)
                         : load.capacity_tokens * static_cast<double>(experts / ep);
  }
  if (ep >= experts) {  // expert `member / shards` split over `shards` devices, each taking an equal share
    const auto shards = ep / experts;
    return load.accepted_tokens[static_cast<std::size_t>(member / shards)] / static_cast<double>(shards);
  }
  const auto per = experts / ep;
  double sum = 0;
  for (std::int64_t k = 0; k < per; ++k) {
    const auto e = run.parallelism.expert_placement == workloads::ExpertPlacement::kContiguous
                       ? member * per + k
                       : member + k * ep;
    sum += load.accepted_tokens[static_cast<std::size_t>(e)];
  }
  return sum;
}

int simulated_member(const workloads::RunSpec& run, int i) {
  const auto ep = run.parallelism.expert, experts = run.model.experts;
  return static_cast<int>(experts >= ep ? i : i * (ep / experts));
}

int BuiltStep::real_device(int simulated) const {
  const int stage = simulated / experts_simulated, i = simulated % experts_simulated;
  return layout.expert_device(stage, 0, i * (layout.expert / experts_simulated), 0);
}

int BuiltStep::simulated_device(int real) const {
  const int stage = real / (layout.tensor * layout.data);
  const int member = real % (layout.tensor * layout.data) / layout.expert_tensor % layout.expert;
  return stage * experts_simulated + member / (layout.expert / experts_simulated);
}

std::optional<RoutingStructure> routing_structure(const workloads::RunSpec& run, int devices_per_node) {
  const auto& m = run.model;
  const bool groups = m.expert_groups > 0 && m.group_top_k < m.expert_groups;
  const bool forwarding = m.is_moe() && run.simulation.node_forwarding_dispatch && m.node_limit == 0;
  if (forwarding && (m.device_limit > 0 || m.hierarchical_gating || groups))
    throw ConfigError(run.file, 0, "simulation.token_dispatcher",
                      "expected alltoall with group-, device-limited or hierarchical routing: deepep "
                      "is modelled for unrestricted routing and with model.node_limit (which dispatches per "
                      "node itself)");
  if (!m.is_moe() ||
      !(m.hierarchical_gating || m.device_limit > 0 || m.node_limit > 0 || groups || forwarding))
    return std::nullopt;
  const auto& p = run.parallelism;
  const auto ep = static_cast<int>(p.expert), experts = static_cast<int>(m.experts);
  if (ep > experts)
    throw ConfigError(run.file, 0, "parallelism.expert",
                      "limited or hierarchical routing and the deepep dispatcher need whole experts per "
                      "device: expected at most "
                      "model.experts (" +
                          std::to_string(experts) + "), got " + std::to_string(ep));
  RoutingStructure st;
  st.member_node.resize(static_cast<std::size_t>(ep));
  for (int i = 0; i < ep; ++i)  // RankLayout::expert_device(0, 0, i, 0) = i x expert_tensor
    st.member_node[static_cast<std::size_t>(i)] =
        i * static_cast<int>(p.expert_tensor_degree()) / std::max(1, devices_per_node);
  const int first_node = st.member_node.front();
  for (auto& n : st.member_node) n -= first_node;
  const int per = std::max(1, experts / ep);
  st.expert_member.resize(static_cast<std::size_t>(experts));
  st.expert_group.resize(static_cast<std::size_t>(experts));
  for (int e = 0; e < experts; ++e) {
    const int member = p.expert_placement == workloads::ExpertPlacement::kContiguous ? e / per : e % ep;
    st.expert_member[static_cast<std::size_t>(e)] = std::min(member, ep - 1);
  }
  for (int e = 0; e < experts; ++e) {
    const int member = st.expert_member[static_cast<std::size_t>(e)];
    int unit = 0;
    if (m.node_limit > 0 || forwarding)
      unit = st.member_node[static_cast<std::size_t>(member)];
    else if (m.device_limit > 0)
      unit = member;
    else
      unit = e / static_cast<int>(experts / m.expert_groups);
    st.expert_group[static_cast<std::size_t>(e)] = unit;
  }
  // The deepep dispatcher limits nothing: every node of the group may receive a token.
  st.unit_limit = static_cast<int>(m.node_limit > 0     ? m.node_limit
                                   : m.device_limit > 0 ? m.device_limit
                                   : forwarding         ? st.member_node.back() + 1
                                                        : m.group_top_k);
  st.exact_per_unit = m.hierarchical_gating;
  if (!routable(st, static_cast<int>(m.top_k)))
    throw ConfigError(
        run.file, 0,
        m.node_limit > 0     ? "model.node_limit"
        : m.device_limit > 0 ? "model.device_limit"
                             : "model.group_top_k",
        "a token's top_k (" + std::to_string(m.top_k) +
            ") experts do not fit in that many nodes, devices or groups of this layout; raise it "
            "or parallelism.expert");
  st.dispatch = m.node_limit > 0 || forwarding ? DispatchUnit::kNode
                : m.device_limit > 0           ? DispatchUnit::kDevice
                : m.hierarchical_gating        ? DispatchUnit::kGroup
                                               : DispatchUnit::kExpert;
  return st;
}

}  // namespace moesim::sim
