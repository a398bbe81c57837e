#include "sim/step/step_simulation.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>

#include "sim/network/network_backend.h"
#include "sim/step/compute_setup.h"
#include "sim/step/energy_model.h"
#include "sim/step/network_pricer.h"
#include "sim/step/step_breakdown.h"
#include "sim/step/step_builder.h"
#include "sim/step/step_scheduler.h"
#include "sim/step/trace_writer.h"
#include "topologies/accelerator.h"
#include "topologies/cluster_spec.h"
#include "topologies/topology_factory.h"
#include "workloads/accounting.h"
#include "workloads/config_error.h"
#include "workloads/run_spec.h"
#include "workloads/scenario_overrides.h"
#include "workloads/yaml_reader.h"

namespace moesim::sim {
namespace {

using Clock = std::chrono::steady_clock;

RoutingDistribution routing_of(const workloads::RunSpec& run) {
  RoutingDistribution d;
  const auto& r = run.simulation.routing;
  switch (r.distribution) {
    case workloads::RoutingDistribution::kUniform:
      d.kind = "uniform";
      break;
    case workloads::RoutingDistribution::kZipf:
      d.kind = "zipf";
      break;
    case workloads::RoutingDistribution::kHistogram:
      d.kind = "histogram";
      break;
  }
  d.zipf_s = r.zipf_s;
  d.histogram = r.histogram;
  d.seed = r.seed;
  return d;
}

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

/// Power of the accelerators by activity. Measured chip figures where the preset has them; where it does
/// not, these stated assumptions: memory-bound kernels draw as much as compute-bound ones; a chip waiting
/// on communication draws idle plus half its dynamic range; idle is 30% of TDP (no idle figure in our
/// sources for the GPUs: see topologies/accelerator.cpp).
PowerModel power_of(const topologies::AcceleratorSpec& acc, const workloads::RunSpec& run,
                    const topologies::ClusterSpec& cluster) {
  PowerModel p;
  p.compute_w = acc.compute_power_w();
  p.memory_w = p.compute_w;
  p.idle_w = acc.idle_power_w ? *acc.idle_power_w : 0.3 * p.compute_w;
  p.comm_w = p.idle_w + 0.5 * (p.compute_w - p.idle_w);
  p.devices_per_node = std::max(1, cluster.device_count() / std::max(1, cluster.node_count()));
  if (run.energy.present) {
    p.pue = run.energy.pue;
    p.host_w_per_node = run.energy.host_power_w_per_node.value_or(0.0);
    p.measured_system_w_per_device = run.energy.system_power_w_per_accelerator;
  }
  return p;
}

nlohmann::json activity_json(const ActivitySeconds& a) {
  auto at = [&](Activity x) { return a[static_cast<std::size_t>(x)]; };
  return {{"compute_s", at(Activity::kComputeBound)},     {"memory_bound_s", at(Activity::kMemoryBound)},
          {"exposed_a2a_s", at(Activity::kAllToAll)},     {"exposed_allreduce_s", at(Activity::kAllReduce)},
          {"pipeline_p2p_s", at(Activity::kPipelineP2p)}, {"idle_s", at(Activity::kIdle)}};
}

double compute_measured_fraction(const KernelTime& t) {
  return t.time_s > 0 ? t.measured_s / t.time_s : 0.0;
}

/// Compute per op family (gemm, grouped_gemm, attention, elementwise): time per simulated device and the
/// share of it taken from measured profile entries.
nlohmann::json compute_families_json(const KernelTime& t, int simulated_devices) {
  nlohmann::json j = nlohmann::json::object();
  for (int f = 0; f < kOpFamilies; ++f) {
    j[to_string(static_cast<OpFamily>(f))] = {
        {"time_s", t.family_s[f] / std::max(1, simulated_devices)},
        {"measured_fraction", t.family_s[f] > 0 ? t.family_measured_s[f] / t.family_s[f] : 0.0}};
  }
  return j;
}

}  // namespace

nlohmann::json simulate_scenario(const YAML::Node& root_node, const std::string& file,
                                 const SimulateOptions& options) {
  const auto wall0 = Clock::now();
  auto progress = [&](const std::string& what) {
    if (options.progress) {
      const double s = std::chrono::duration<double>(Clock::now() - wall0).count();
      std::cerr << "[moesim " << std::fixed << std::setprecision(2) << s << " s] " << what << "\n";
    }
  };
  const YamlMap root(root_node, file, "");
  const auto run = workloads::parse_run_spec(root);
  const auto cluster = topologies::parse_cluster(root.map("cluster"));
  workloads::check_parallelism(run, cluster.device_count(), root);
  if (run.simulation.padded_dispatch && (!run.model.is_moe() || run.model.capacity_factor <= 0)) {
    throw ConfigError(file, root.map("simulation").line_of("dispatch"), "simulation.dispatch",
                      "padded dispatch needs an MoE model with model.capacity_factor > 0");
  }
  const auto& acc = topologies::find_accelerator(cluster.accelerator);
  const auto accounting = workloads::account_model(
      run.model, {run.training.sequence_length, workloads::bytes_per_element(run.training.precision)});
  const auto compute = make_compute(acc, run, root, options.profile_path);
  progress("scenario " + run.name + ": " + std::to_string(cluster.device_count()) + " x " + acc.name);

  // Routing draws: one per MoE layer up to 8, reused cyclically (each is priced once on the network).
  std::vector<ExpertLoad> loads;
  if (run.model.is_moe()) {
    const auto draws = std::min<std::int64_t>(8, std::max<std::int64_t>(1, accounting.moe_layers));
    const double tokens = routed_tokens_per_group(run);
    for (std::int64_t l = 0; l < draws; ++l) {
      loads.push_back(draw_expert_load(routing_of(run), static_cast<int>(run.model.experts),
                                       static_cast<int>(run.model.top_k), tokens, run.model.capacity_factor,
                                       static_cast<int>(l)));
    }
  }
  auto step = build_step(run, accounting, compute, loads);
  if (step.param_state_bytes_per_device > acc.hbm_bytes) {
    std::ostringstream msg;
    msg << "weights, gradients and optimizer state need " << step.param_state_bytes_per_device / 1e9
        << " GB per device but a " << acc.name << " holds " << acc.hbm_bytes / 1e9
        << " GB: raise parallelism.expert, tensor or pipeline, or use more devices";
    throw ConfigError(file, root.line_of("parallelism"), "parallelism", msg.str());
  }
  progress("step graph: " + std::to_string(step.graph.ops().size()) + " ops on " +
           std::to_string(step.graph.device_count()) + " simulated devices, " +
           std::to_string(step.demands.size()) + " distinct network demands");

  const auto topology = topologies::make_topology(cluster);
  const auto backend_kind = backend_of(run, options);
  network::BackendOptions backend_options;
  backend_options.keep_link_bytes = true;  // per-tier busiest links, for sharing between demands
  const auto backend = network::make_backend(backend_kind, *topology, backend_options);
  const auto prices = price_demands(step, run, *topology, *backend);
  progress("network demands priced with the " + std::string(network::backend_name(backend_kind)) +
           " backend");

  auto& colls = step.graph.mutable_collectives();
  for (auto& c : colls) {
    if (c.demand >= 0) c.duration_s = prices[static_cast<std::size_t>(c.demand)].time_s;
  }
  const auto schedule = schedule_step(step.graph);
  const auto breakdown = breakdown_step(step.graph, schedule);
  progress("step scheduled");

  // Counters over the step: all-to-all bytes (every instance of a demand puts its bytes on the network).
  const auto& tiers = topology->tiers();
  std::vector<double> a2a_tier(tiers.size(), 0.0);
  double a2a_bytes = 0, busiest_util = 0;
  topologies::LinkId busiest = 0;
  for (const auto& c : colls) {
    if (!is_all_to_all(c.category) || c.demand < 0) continue;
    const auto& p = prices[static_cast<std::size_t>(c.demand)];
    a2a_bytes += p.network_bytes;
    for (std::size_t t = 0; t < p.tier_bytes.size() && t < a2a_tier.size(); ++t)
      a2a_tier[t] += p.tier_bytes[t];
    if (p.busiest_link_utilisation > busiest_util) {
      busiest_util = p.busiest_link_utilisation;
      busiest = p.busiest_link;
    }
  }
  // Model FLOPs actually executed (every simulated device stands for real_devices_per_simulated devices).
  double executed_flops = 0;
  for (const auto& op : step.graph.ops()) executed_flops += op.flops;
  executed_flops *= step.real_devices_per_simulated;

  const double step_s = schedule.makespan_s;
  const int devices = cluster.device_count();
  const double tokens_per_step = static_cast<double>(run.training.global_batch_tokens);
  const auto power = power_of(acc, run, cluster);
  const auto energy = step_energy(power, breakdown.mean_s, devices, step_s);

  nlohmann::json j = workloads::to_json(accounting);
  j.erase("layers");
  j["moesim_version"] = MOESIM_VERSION_STRING;
  j["scenario"] = run.name;
  j["scenario_file"] = file;
  j["model"] = run.model.name;
  j["cluster"] = cluster.name;
  j["accelerator"] = acc.name;
  j["devices"] = devices;
  j["backend"] = std::string(network::backend_name(backend_kind));
  j["compute_source"] = compute.source();
  j["parallelism"] = {{"data", run.parallelism.data},
                      {"expert", run.parallelism.expert},
                      {"tensor", run.parallelism.tensor},
                      {"pipeline", run.parallelism.pipeline},
                      {"micro_batches", run.parallelism.micro_batches}};
  j["tokens_per_step"] = tokens_per_step;
  j["step_time_s"] = step_s;
  j["tokens_per_s"] = tokens_per_step / step_s;
  j["steps_per_s"] = 1.0 / step_s;
  j["model_flops_per_step"] = accounting.flops_per_token_train * tokens_per_step;
  j["executed_flops_per_step"] = executed_flops;
  // MFU against the peak of the matmul format in use; mfu_bf16 against the bf16 peak, for comparisons.
  const double model_flop_rate = accounting.flops_per_token_train * tokens_per_step / (step_s * devices);
  j["mfu"] = model_flop_rate / compute.matmul_peak_flop_per_s();
  j["mfu_bf16"] = model_flop_rate / compute.bf16_peak_flop_per_s();
  j["matmul_precision"] = compute.matmul_format();
  j["compute_measured_fraction"] = compute_measured_fraction(step.compute_time);
  j["compute_by_family"] = compute_families_json(step.compute_time, step.graph.device_count());
  j["breakdown_s"] = activity_json(breakdown.mean_s);
  j["a2a_bytes_per_step"] = a2a_bytes;
  nlohmann::json per_tier = nlohmann::json::object();
  for (std::size_t t = 0; t < tiers.size(); ++t) {
    if (a2a_tier[t] > 0) per_tier[tiers[t]] = a2a_tier[t];
  }
  j["a2a_bytes_per_tier"] = per_tier;  // link-crossing bytes: a transfer over 3 links counts 3 times
  if (busiest_util > 0) {
    const auto [from, to] = topology->link_endpoints(busiest);
    const auto& g = topology->graph();
    j["busiest_link"] = {
        {"name", g[static_cast<std::size_t>(from)].name + "->" + g[static_cast<std::size_t>(to)].name},
        {"tier", tiers[static_cast<std::size_t>(topology->link(busiest).tier)]},
        {"utilisation", busiest_util}};
  } else {
    j["busiest_link"] = nullptr;
  }
  double dropped = 0, imbalance = 1;
  for (const auto& l : loads) {
    dropped += l.dropped_fraction / static_cast<double>(loads.size());
    imbalance = std::max(imbalance, l.imbalance());
  }
  j["routing"] = {{"distribution", routing_of(run).kind},
                  {"dropped_fraction", dropped},
                  {"imbalance", imbalance},
                  {"draws", loads.size()}};
  j["param_state_bytes_per_device"] = step.param_state_bytes_per_device;
  j["energy_j_per_step"] = energy.facility_j;
  j["energy_breakdown_j_per_step"] = {{"accelerators_j", energy.accelerators_j},
                                      {"hosts_j", energy.hosts_j},
                                      {"network_j", energy.network_j},
                                      {"it_j", energy.it_j},
                                      {"facility_j", energy.facility_j}};
  j["mean_power_per_device_w"] = energy.mean_power_per_device_w;
  j["power_model"] =
      power.measured_system_w_per_device ? "measured system power per accelerator" : "activity states";
  j["pue"] = power.pue;
  if (run.training.total_tokens) {
    const double steps = *run.training.total_tokens / tokens_per_step;
    j["steps_run"] = steps;
    j["time_to_train_s"] = steps * step_s;
    j["accelerator_hours_run"] = steps * step_s * devices / 3600.0;
    j["energy_mwh_run"] = energy.facility_j * steps / 3.6e9;
    j["tco2e_run"] = run.energy.present
                         ? nlohmann::json(energy.facility_j * steps / 3.6e9 * run.energy.grid_kgco2e_per_kwh)
                         : nlohmann::json(nullptr);
    j["cost_usd_run"] =
        run.cost.present
            ? nlohmann::json(steps * step_s * devices / 3600.0 * run.cost.usd_per_accelerator_hour)
            : nlohmann::json(nullptr);
  } else {
    for (const char* k : {"steps_run", "time_to_train_s", "accelerator_hours_run", "energy_mwh_run",
                          "tco2e_run", "cost_usd_run"}) {
      j[k] = nullptr;
    }
  }
  j["simulated_devices"] = step.graph.device_count();
  j["ops"] = step.graph.ops().size();
  j["simulator_wall_s"] = std::chrono::duration<double>(Clock::now() - wall0).count();

  if (!options.trace_path.empty()) {
    std::ofstream out(options.trace_path);
    if (!out) throw ConfigError(options.trace_path, 0, "--trace", "cannot write the trace file");
    std::vector<int> devs;
    for (auto d : run.simulation.trace_devices)
      devs.push_back(static_cast<int>(d % step.graph.device_count()));
    write_chrome_trace(out, step.graph, schedule, devs);
  }
  return j;
}

nlohmann::json simulate_scenario_file(const std::string& path, const std::vector<std::string>& overrides,
                                      const SimulateOptions& options) {
  // Cloning for overrides loses YAML line marks, so only clone when there is something to override.
  const YAML::Node root = load_yaml_file(path);
  return simulate_scenario(overrides.empty() ? root : workloads::apply_overrides(root, overrides, path), path,
                           options);
}

}  // namespace moesim::sim
