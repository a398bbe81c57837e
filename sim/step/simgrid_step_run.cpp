#include "sim/step/simgrid_step_run.h"

#include <algorithm>

#include "sim/network/step_dag.h"
#include "sim/step/network_pricer.h"

namespace moesim::sim {
namespace {

/// The chip's state while a non-collective op runs, as the activity breakdown classes it.
network::ChipState chip_state_of(const Op& op) {
  if (is_communication(op.category)) return network::ChipState::kCommunication;
  return op.memory_bound ? network::ChipState::kMemoryBound : network::ChipState::kComputeBound;
}

/// What the energy plugins charge: the chip's four states and every link's static share of the network.
network::DagPower dag_power(const PowerSetup& power, const topologies::Topology& topology) {
  const auto& p = power.model;
  return {p.compute_w, p.memory_w, p.comm_w, p.idle_w, link_static_w(topology, power)};
}

/// The DAG task of every op (a collective's participants share one task) and the tasks themselves.
struct Mapping {
  std::vector<int> task_of_op;
  network::StepDag dag;
};

Mapping map_ops(const StepGraph& graph) {
  Mapping m;
  const auto& ops = graph.ops();
  m.dag.compute_devices = graph.device_count();
  m.task_of_op.assign(ops.size(), -1);
  std::vector<int> task_of_collective(graph.collectives().size(), -1);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const auto& op = ops[i];
    if (op.collective >= 0) {
      auto& t = task_of_collective[static_cast<std::size_t>(op.collective)];
      if (t < 0) {
        t = static_cast<int>(m.dag.tasks.size());
        network::DagTask task;
        task.collective = graph.collectives()[static_cast<std::size_t>(op.collective)].demand;
        m.dag.tasks.push_back(task);
      }
      m.task_of_op[i] = t;
      auto& participants = m.dag.tasks[static_cast<std::size_t>(t)].participants;
      if (std::find(participants.begin(), participants.end(), op.device) == participants.end())
        participants.push_back(op.device);
      continue;
    }
    m.task_of_op[i] = static_cast<int>(m.dag.tasks.size());
    m.dag.tasks.push_back({op.device, op.duration_s, -1, {}, chip_state_of(op), {}});
  }
  return m;
}

/// Edges: each op's explicit dependencies and its stream predecessor (streams are in order, kAsync ops
/// are not), between the ops' tasks.
void add_edges(const StepGraph& graph, Mapping& m) {
  const auto& ops = graph.ops();
  const std::vector<std::int32_t> stream_prev = graph.stream_predecessors();
  for (std::size_t i = 0; i < ops.size(); ++i) {
    auto& deps = m.dag.tasks[static_cast<std::size_t>(m.task_of_op[i])].deps;
    auto add = [&](std::int32_t from) {
      const int t = m.task_of_op[static_cast<std::size_t>(from)];
      if (t != m.task_of_op[i]) deps.push_back(t);
    };
    for (auto d : graph.deps()[i]) add(d);
    if (stream_prev[i] >= 0) add(stream_prev[i]);
  }
  for (auto& t : m.dag.tasks) {
    std::sort(t.deps.begin(), t.deps.end());
    t.deps.erase(std::unique(t.deps.begin(), t.deps.end()), t.deps.end());
  }
}

}  // namespace

Schedule schedule_step_on_simgrid(const BuiltStep& step, const workloads::RunSpec& run,
                                  const topologies::Topology& topology, network::BackendKind kind,
                                  const PowerSetup* power, std::optional<PluginEnergy>* energy) {
  auto m = map_ops(step.graph);
  add_edges(step.graph, m);
  for (auto& schedules : demand_schedules(step, run, topology))
    m.dag.collectives.push_back({std::move(schedules)});
  const bool plugins = power != nullptr && energy != nullptr && !power->model.measured_system_w_per_device;
  const auto dag_watts = plugins ? dag_power(*power, topology) : network::DagPower{};
  const auto times = network::run_step_dag(m.dag, topology, kind, {}, plugins ? &dag_watts : nullptr);
  if (plugins && times.energy) {
    // Each simulated device stands for devices / simulated of the cluster's, as in the activity breakdown.
    const double scale =
        static_cast<double>(topology.device_count()) / std::max(1, step.graph.device_count());
    PluginEnergy e;
    for (std::size_t s = 0; s < e.accelerator_state_j.size(); ++s)
      e.accelerator_state_j[s] = times.energy->chip_state_j[s] * scale;
    e.network_j = times.energy->links_j;
    *energy = e;
  }
  Schedule s;
  const auto n = step.graph.ops().size();
  s.start_s.resize(n);
  s.end_s.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    s.start_s[i] = times.start_s[static_cast<std::size_t>(m.task_of_op[i])];
    s.end_s[i] = times.end_s[static_cast<std::size_t>(m.task_of_op[i])];
  }
  s.makespan_s = n ? *std::max_element(s.end_s.begin(), s.end_s.end()) : 0.0;
  s.events = m.dag.tasks.size();
  return s;
}

}  // namespace moesim::sim
