#include "sim/step/step_simulation.h"

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "sim/network/network_backend.h"
#include "sim/network/simgrid_backend.h"
#include "sim/step/collective_costs.h"
#include "sim/step/compute_setup.h"
#include "sim/step/memory_layout.h"
#include "sim/step/network_pricer.h"
#include "sim/step/power_setup.h"
#include "sim/step/simgrid_step_run.h"
#include "sim/step/step_builder.h"
#include "sim/step/step_scheduler.h"
#include "topologies/accelerator.h"
#include "topologies/topology_factory.h"
#include "workloads/config_error.h"

namespace moesim::sim {
namespace {

using Clock = std::chrono::steady_clock;

network::BackendKind backend_of(const workloads::RunSpec& run, const SimulateOptions& options) {
  if (options.backend) {
    try {
      return network::parse_backend(*options.backend);
    } catch (const std::invalid_argument&) {
      throw ConfigError("", 0, "--backend",
                        "expected analytic, ptask or flow, got '" + *options.backend + "'");
    }
  }
  switch (run.simulation.backend) {
    case workloads::Backend::kAnalytic:
      return network::BackendKind::kAnalytic;
    case workloads::Backend::kPtask:
      return network::BackendKind::kPtask;
    case workloads::Backend::kFlow:
      return network::BackendKind::kFlow;
  }
  return network::BackendKind::kAnalytic;
}

/// The SimGrid engines simulate every transfer of the step (flow: every flow; ptask: every phase as a
/// parallel task); above these sizes they take too long and too much memory, so they are refused before
/// anything is built. Measured on 2 cores: a 256-GPU MoE step as parallel tasks takes ~35 s and 1.5 GB.
constexpr int kPtaskMaxDevices = 1024;

void check_backend_scale(network::BackendKind kind, int devices, const workloads::RunSpec& run) {
  const int limit = kind == network::BackendKind::kFlow    ? network::kFlowMaxEndpoints
                    : kind == network::BackendKind::kPtask ? kPtaskMaxDevices
                                                           : 0;
  if (limit == 0 || devices <= limit) return;
  throw ConfigError(run.file, 0, "simulation.backend",
                    "the " + std::string(network::backend_name(kind)) + " backend simulates at most " +
                        std::to_string(limit) + " devices, the cluster has " + std::to_string(devices) +
                        ": use the analytic backend");
}

/// Progress lines on stderr with the wall time since the simulation began.
class Progress {
 public:
  explicit Progress(bool on) : on_(on), start_(Clock::now()) {}
  void operator()(const std::string& what) const {
    if (!on_) return;
    std::cerr << "[moesim " << std::fixed << std::setprecision(2) << elapsed_s() << " s] " << what << "\n";
  }
  double elapsed_s() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  bool on_;
  Clock::time_point start_;
};

void check_memory(const BuiltStep& step, const topologies::AcceleratorSpec& acc, const Scenario& scenario) {
  const auto& m = step.memory;
  if (m.total_bytes() <= acc.hbm_bytes) return;
  std::ostringstream msg;
  msg << "the step needs " << m.total_bytes() / 1e9 << " GB per device but a " << acc.name << " holds "
      << acc.hbm_bytes / 1e9 << " GB (" << describe(m) << "): ";
  if (m.activations_bytes >= m.param_state_bytes())
    msg << "the activations dominate: use more micro-batches (parallelism.micro_batches), "
           "training.recompute: "
           "selective or full, more tensor or pipeline parallelism, or a smaller batch";
  else
    msg << "raise parallelism.zero (ZeRO stage), expert, tensor or pipeline, or use more devices";
  scenario.lines.fail("parallelism", msg.str());
}

/// The all-to-all counters of the step: every instance of a demand puts its bytes on the network.
void count_all_to_alls(const StepGraph& graph, const std::vector<DemandPrice>& prices,
                       const topologies::Topology& topology, StepResult& r) {
  const auto& tiers = topology.tiers();
  std::vector<double> per_tier(tiers.size(), 0.0);
  double busiest_util = 0;
  topologies::LinkId busiest = 0;
  for (const auto& c : graph.collectives()) {
    if (!is_all_to_all(c.category) || c.demand < 0) continue;
    const auto& p = prices[static_cast<std::size_t>(c.demand)];
    r.a2a_bytes_per_step += p.network_bytes;
    for (std::size_t t = 0; t < p.tier_bytes.size() && t < per_tier.size(); ++t)
      per_tier[t] += p.tier_bytes[t];
    if (p.busiest_link_utilisation > busiest_util) {
      busiest_util = p.busiest_link_utilisation;
      busiest = p.busiest_link;
    }
  }
  for (std::size_t t = 0; t < tiers.size(); ++t)
    if (per_tier[t] > 0) r.a2a_bytes_per_tier.push_back({tiers[t], per_tier[t]});
  if (busiest_util > 0) {
    const auto [from, to] = topology.link_endpoints(busiest);
    const auto& g = topology.graph();
    r.busiest_link =
        BusiestLink{g[static_cast<std::size_t>(from)].name + "->" + g[static_cast<std::size_t>(to)].name,
                    tiers[static_cast<std::size_t>(topology.link(busiest).tier)], busiest_util};
  }
}

RoutingSummary summarise_routing(const workloads::RunSpec& run, const std::vector<ExpertLoad>& loads) {
  RoutingSummary s;
  s.distribution = routing_of(run).kind;
  if (!loads.empty()) s.last_copy_dispatch_probability = loads.front().last_copy_keep;
  s.draws = loads.size();
  for (const auto& l : loads) {
    s.dropped_fraction += l.dropped_fraction / static_cast<double>(loads.size());
    s.imbalance = std::max(s.imbalance, l.imbalance());
  }
  return s;
}

std::optional<RunTotals> run_totals(const workloads::RunSpec& run, const StepResult& r) {
  if (!run.training.total_tokens) return std::nullopt;
  RunTotals t;
  t.steps = *run.training.total_tokens / r.tokens_per_step;
  t.time_to_train_s = t.steps * r.step_time_s;
  t.accelerator_hours = t.time_to_train_s * r.provenance.devices / 3600.0;
  t.energy_mwh = r.energy.facility_j * t.steps / 3.6e9;
  if (run.energy.present) t.tco2e = t.energy_mwh * run.energy.grid_kgco2e_per_kwh;
  if (const auto& e = run.energy.embodied_kgco2e_per_accelerator_hour)
    t.embodied_tco2e = t.accelerator_hours * *e / 1e3;
  if (run.cost.present) t.cost_usd = t.accelerator_hours * run.cost.usd_per_accelerator_hour;
  return t;
}

/// Ranks in one group of the collective that prices `demand`, on the real cluster.
int group_ranks(const RankLayout& layout, const NetworkDemand& demand) {
  using Kind = NetworkDemand::Kind;
  switch (demand.kind) {
    case Kind::kAllToAll:
      return layout.expert;
    case Kind::kTpAllReduce:
    case Kind::kTpAllGather:
      return layout.tensor;
    case Kind::kExpertTpAllGather:
    case Kind::kExpertTpReduceScatter:
      return layout.expert_tensor;
    case Kind::kDpAllReduce:
    case Kind::kDpReduceScatter:
    case Kind::kDpAllGather:
      return layout.data;
    case Kind::kExpertAllReduce:
    case Kind::kExpertReduceScatter:
    case Kind::kExpertAllGather:
      return layout.expert_data();
    case Kind::kP2p:
      return 2;
  }
  return 0;
}

/// (simulated device, the rank its ops are traced as): each rank of simulation.trace_devices as itself, or
/// without any the first 8 simulated devices as the first rank each stands for.
std::vector<std::pair<int, int>> traced_devices(const BuiltStep& step, const workloads::RunSpec& run) {
  std::vector<std::pair<int, int>> traced;
  if (run.simulation.trace_devices.empty()) {
    for (int d = 0; d < std::min(8, step.graph.device_count()); ++d)
      traced.emplace_back(d, step.real_device(d));
  }
  for (auto rank : run.simulation.trace_devices) {
    const int r = static_cast<int>(rank);
    const std::pair<int, int> t{step.simulated_device(r), r};
    if (std::find(traced.begin(), traced.end(), t) == traced.end()) traced.push_back(t);
  }
  return traced;
}

std::vector<TimelineOp> timeline_of(const BuiltStep& step, const Schedule& schedule,
                                    const std::vector<DemandPrice>& prices, const workloads::RunSpec& run) {
  const auto& graph = step.graph;
  std::vector<TimelineOp> out;
  const auto& ops = graph.ops();
  for (const auto& [device, rank] : traced_devices(step, run)) {
    for (std::size_t i = 0; i < ops.size(); ++i) {
      const auto& op = ops[i];
      if (op.device != device || op.category == OpCategory::kSync) continue;
      TimelineOp t;
      t.device = op.device;
      t.real_device = rank;
      t.stream = op.stream;
      t.category = op.category;
      t.layer = op.layer;
      t.micro_batch = op.micro_batch;
      t.backward = op.backward;
      t.start_s = schedule.start_s[i];
      t.end_s = schedule.end_s[i];
      t.flops = op.flops;
      if (op.collective >= 0) {
        const auto demand = graph.collectives()[static_cast<std::size_t>(op.collective)].demand;
        if (demand >= 0) {
          t.bytes = prices[static_cast<std::size_t>(demand)].network_bytes;
          t.algorithm = prices[static_cast<std::size_t>(demand)].algorithm;
          t.peers = group_ranks(step.layout, step.demands[static_cast<std::size_t>(demand)]);
          t.tier_busy_s = prices[static_cast<std::size_t>(demand)].tier_busy_s;
        }
      }
      out.push_back(std::move(t));
    }
  }
  return out;
}

}  // namespace

StepResult simulate_step(const Scenario& scenario, const SimulateOptions& options) {
  return simulate_step(scenario, options, PrebuiltCluster{});
}

StepResult simulate_step(const Scenario& scenario, const SimulateOptions& options,
                         const PrebuiltCluster& prebuilt) {
  const Progress progress(options.progress);
  const auto& run = scenario.run;
  const auto& cluster = scenario.cluster;
  const auto& acc = topologies::accelerator_of(cluster);
  StepResult r;
  r.accounting = workloads::account_model(run.model, workloads::accounting_options(run.training));
  std::optional<ComputeModel> own_compute;
  if (!prebuilt.compute) own_compute.emplace(make_compute(acc, run, scenario.lines, options.profile_path));
  const ComputeModel& compute = prebuilt.compute ? *prebuilt.compute : *own_compute;
  progress("scenario " + run.name + ": " + std::to_string(cluster.device_count()) + " x " + acc.name);

  check_backend_scale(backend_of(run, options), cluster.device_count(), run);
  const auto loads =
      routing_draws(run, r.accounting, cluster.device_count() / std::max(1, cluster.node_count()));
  auto step = build_step(run, r.accounting, compute, loads);
  check_memory(step, acc, scenario);
  progress("step graph: " + std::to_string(step.graph.ops().size()) + " ops on " +
           std::to_string(step.graph.device_count()) + " simulated devices, " +
           std::to_string(step.demands.size()) + " distinct network demands");

  std::unique_ptr<topologies::Topology> own_topology;
  if (!prebuilt.topology) own_topology = topologies::make_topology(cluster);
  const topologies::Topology* topology = prebuilt.topology ? prebuilt.topology : own_topology.get();
  const auto power = power_of(acc, run, cluster, *topology);
  const auto backend_kind = backend_of(run, options);
  // Every demand is priced analytically (its traffic counters, and its time alone for the analytic run);
  // with a SimGrid backend the whole step then runs on SimGrid, which does the link sharing itself.
  std::unique_ptr<network::NetworkBackend> own_backend;
  if (!prebuilt.backend) {
    network::BackendOptions backend_options;
    backend_options.keep_link_bytes = true;  // per-tier busiest links, for sharing between demands
    own_backend = network::make_backend(network::BackendKind::kAnalytic, *topology, backend_options);
  }
  network::NetworkBackend& analytic = prebuilt.backend ? *prebuilt.backend : *own_backend;
  const auto prices = prebuilt.pricer ? prebuilt.pricer->price(step, run, *topology, analytic)
                                      : price_demands(step, run, *topology, analytic);
  progress("network demands priced");

  std::optional<PluginEnergy> plugins;  // joules SimGrid's energy plugins measured (SimGrid backends)
  const LinkResources resources(topology->tiers(), step.graph.device_count());
  assign_collective_costs(step.graph, prices, resources);
  const auto schedule = backend_kind == network::BackendKind::kAnalytic
                            ? schedule_step(step.graph, resources.count())
                            : schedule_step_on_simgrid(step, run, *topology, backend_kind, &power, &plugins);
  const auto breakdown = breakdown_step(step.graph, schedule);
  progress("step simulated: " + std::to_string(schedule.events) + " events");

  r.provenance = {MOESIM_VERSION_STRING,
                  run.name,
                  run.file,
                  run.model.name,
                  cluster.name,
                  acc.name,
                  cluster.device_count(),
                  std::string(network::backend_name(backend_kind)),
                  compute.source()};
  r.parallelism = run.parallelism;
  r.tokens_per_step = static_cast<double>(run.training.global_batch_tokens);
  r.step_time_s = schedule.makespan_s;
  r.model_flops_per_step = r.accounting.flops_per_token_train * r.tokens_per_step;
  for (const auto& op : step.graph.ops()) r.executed_flops_per_step += op.flops;
  r.executed_flops_per_step *= step.real_devices_per_simulated;  // each simulated device stands for many
  // MFU against the peak of the matmul format in use; mfu_bf16 against the bf16 peak, for comparisons.
  const double model_flop_rate = r.model_flops_per_step / (r.step_time_s * cluster.device_count());
  r.mfu = model_flop_rate / compute.matmul_peak_flop_per_s();
  r.mfu_bf16 = model_flop_rate / compute.bf16_peak_flop_per_s();
  r.matmul_precision = compute.matmul_format();
  r.compute_time = step.compute_time.scaled(1.0 / std::max(1, step.graph.device_count()));
  r.breakdown_s = breakdown.mean_s;
  r.exposed_by_stream_s = breakdown.exposed_by_stream_s;
  r.idle_collective_wait_s = breakdown.idle_collective_wait_s;
  r.idle_bubble_s = breakdown.idle_bubble_s;
  count_all_to_alls(step.graph, prices, *topology, r);
  r.routing = summarise_routing(run, loads);
  r.memory = step.memory;
  r.hbm_bytes = acc.hbm_bytes;
  fill_energy(power, breakdown.mean_s, plugins, r);
  r.run = run_totals(run, r);
  r.simulated_devices = step.graph.device_count();
  r.ops = step.graph.ops().size();
  r.events = schedule.events;
  r.devices_per_simulated = step.real_devices_per_simulated;
  if (options.keep_timeline) {
    r.timeline = timeline_of(step, schedule, prices, run);
    r.link_tiers = topology->tiers();
  }
  r.simulator_wall_s = progress.elapsed_s();
  return r;
}

}  // namespace moesim::sim
