#include "reports/step_json.h"

namespace moesim::reports {
namespace {

using sim::Activity;

nlohmann::json activity_json(const sim::ActivitySeconds& a) {
  auto at = [&](Activity x) { return a[static_cast<std::size_t>(x)]; };
  return {{"compute_s", at(Activity::kComputeBound)},     {"memory_bound_s", at(Activity::kMemoryBound)},
          {"exposed_a2a_s", at(Activity::kAllToAll)},     {"exposed_allreduce_s", at(Activity::kAllReduce)},
          {"pipeline_p2p_s", at(Activity::kPipelineP2p)}, {"idle_s", at(Activity::kIdle)}};
}

template <typename T>
nlohmann::json or_null(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

void put_provenance(const sim::Provenance& p, nlohmann::json& j) {
  j["moesim_version"] = p.moesim_version;
  j["scenario"] = p.scenario;
  j["scenario_file"] = p.scenario_file;
  j["model"] = p.model;
  j["cluster"] = p.cluster;
  j["accelerator"] = p.accelerator;
  j["devices"] = p.devices;
  j["backend"] = p.backend;
  j["compute_source"] = p.compute_source;
}

void put_run(const std::optional<sim::RunTotals>& run, nlohmann::json& j) {
  if (!run) {
    for (const char* k : {"steps_run", "time_to_train_s", "accelerator_hours_run", "energy_mwh_run",
                          "tco2e_run", "embodied_tco2e_run", "cost_usd_run"})
      j[k] = nullptr;
    return;
  }
  j["steps_run"] = run->steps;
  j["time_to_train_s"] = run->time_to_train_s;
  j["accelerator_hours_run"] = run->accelerator_hours;
  j["energy_mwh_run"] = run->energy_mwh;
  j["tco2e_run"] = or_null(run->tco2e);
  j["embodied_tco2e_run"] = or_null(run->embodied_tco2e);
  j["cost_usd_run"] = or_null(run->cost_usd);
}

nlohmann::json energy_breakdown_json(const sim::StepEnergy& e) {
  return {{"accelerators_j", e.accelerators_j},
          {"accelerators_compute_j", e.accelerators_compute_j},
          {"accelerators_memory_j", e.accelerators_memory_j},
          {"accelerators_comm_j", e.accelerators_comm_j},
          {"accelerators_idle_j", e.accelerators_idle_j},
          {"hosts_j", e.hosts_j},
          {"nics_j", e.nics_j},
          {"switches_j", e.switches_j},
          {"network_j", e.network_j},
          {"it_j", e.it_j},
          {"facility_overhead_j", e.facility_overhead_j},
          {"facility_j", e.facility_j}};
}

/// The figures the energy came from: the chip by state, and each item the topology instantiates.
nlohmann::json power_json(const sim::PowerSetup& p) {
  const auto& f = p.figures;
  const auto& n = p.inventory;
  return {{"accelerator",
           {{"compute_bound_w", p.model.compute_w},
            {"memory_bound_w", p.model.memory_w},
            {"communication_w", p.model.comm_w},
            {"idle_w", p.model.idle_w},
            {"basis", std::string(p.chip.basis)}}},
          {"nodes", p.model.nodes},
          {"host_w_per_node", f.host_w_per_node},
          {"nic_ports", n.nic_ports},
          {"nic_w_per_port", f.nic_w_per_port},
          {"node_switches", n.node_switches},
          {"node_switch_w", f.node_switch_w},
          {"pcie_switches", n.pcie_switches},
          {"pcie_switch_w", f.pcie_switch_w},
          {"fabric_switches", n.fabric_switches},
          {"fabric_switch_w", f.fabric_switch_w},
          {"fabric_switch_ports", n.fabric_switch_ports},
          {"switch_port_w", f.switch_port_w},
          {"network_w", p.model.network_w()},
          {"basis", f.basis}};
}

void put_energy(const sim::StepResult& r, nlohmann::json& j) {
  if (!r.power.chip_power_known()) {
    // No chip power figure: every energy figure would charge the chips 0 W, so none is given.
    for (const char* k : {"energy_j_per_step", "energy_breakdown_j_per_step", "mean_power_per_device_w",
                          "energy_activity_model_j_per_step", "energy_mwh_run", "tco2e_run"})
      j[k] = nullptr;
    j["energy_not_modelled"] = r.provenance.accelerator +
                               " has no chip power figure in its preset; give energy.chip_power "
                               "(compute_bound_w, memory_bound_w, communication_w, idle_w) or "
                               "energy.system_power_w_per_accelerator";
    j["power_figures"] = power_json(r.power);
    j["pue"] = r.pue;
    return;
  }
  j["energy_j_per_step"] = r.energy.facility_j;
  j["energy_breakdown_j_per_step"] = energy_breakdown_json(r.energy);
  j["mean_power_per_device_w"] = r.energy.mean_power_per_device_w;
  j["power_model"] = r.power_model;
  j["energy_engine"] = r.energy_engine;
  j["energy_activity_model_j_per_step"] =
      r.energy_activity_model ? nlohmann::json(r.energy_activity_model->facility_j) : nlohmann::json(nullptr);
  j["power_figures"] = power_json(r.power);
  j["pue"] = r.pue;
}

}  // namespace

nlohmann::json to_json(const sim::StepResult& r) {
  nlohmann::json j = workloads::to_json(r.accounting);
  j.erase("layers");
  put_provenance(r.provenance, j);
  const auto& p = r.parallelism;
  j["parallelism"] = {{"data", p.data},         {"expert", p.expert},
                      {"tensor", p.tensor},     {"expert_tensor", p.expert_tensor_degree()},
                      {"pipeline", p.pipeline}, {"micro_batches", p.micro_batches}};
  j["tokens_per_step"] = r.tokens_per_step;
  j["step_time_s"] = r.step_time_s;
  j["tokens_per_s"] = r.tokens_per_step / r.step_time_s;
  j["steps_per_s"] = 1.0 / r.step_time_s;
  j["model_flops_per_step"] = r.model_flops_per_step;
  j["executed_flops_per_step"] = r.executed_flops_per_step;
  j["mfu"] = r.mfu;
  j["mfu_bf16"] = r.mfu_bf16;
  j["matmul_precision"] = r.matmul_precision;
  const auto& c = r.compute_time;
  j["compute_measured_fraction"] = c.time_s > 0 ? c.measured_s / c.time_s : 0.0;
  nlohmann::json families = nlohmann::json::object();
  for (int f = 0; f < sim::kOpFamilies; ++f) {
    families[sim::to_string(static_cast<sim::OpFamily>(f))] = {
        {"time_s", c.family_s[f]},
        {"measured_fraction", c.family_s[f] > 0 ? c.family_measured_s[f] / c.family_s[f] : 0.0}};
  }
  j["compute_by_family"] = families;
  j["breakdown_s"] = activity_json(r.breakdown_s);
  auto by = [&](sim::Stream st) { return r.exposed_by_stream_s[static_cast<std::size_t>(st)]; };
  j["exposed_comm_by_communicator_s"] = {{"ep", by(sim::Stream::kEp)},
                                         {"tp", by(sim::Stream::kTp)},
                                         {"dp", by(sim::Stream::kDp)},
                                         {"expert_dp", by(sim::Stream::kExpertDp)},
                                         {"weight_gather", by(sim::Stream::kFsdp)},
                                         {"pp", by(sim::Stream::kAsync)},
                                         {"compute_stream", by(sim::Stream::kCompute)}};
  j["idle_by_cause_s"] = {{"collective_wait_s", r.idle_collective_wait_s},
                          {"pipeline_bubble_s", r.idle_bubble_s}};
  j["a2a_bytes_per_step"] = r.a2a_bytes_per_step;
  nlohmann::json per_tier = nlohmann::json::object();
  for (const auto& t : r.a2a_bytes_per_tier) per_tier[t.tier] = t.bytes;
  j["a2a_bytes_per_tier"] = per_tier;  // link-crossing bytes: a transfer over 3 links counts 3 times
  if (r.busiest_link) {
    j["busiest_link"] = {{"name", r.busiest_link->name},
                         {"tier", r.busiest_link->tier},
                         {"utilisation", r.busiest_link->utilisation}};
  } else {
    j["busiest_link"] = nullptr;
  }
  j["routing"] = {{"distribution", r.routing.distribution},
                  {"dropped_fraction", r.routing.dropped_fraction},
                  {"imbalance", r.routing.imbalance},
                  {"last_expert_dispatch_probability", r.routing.last_copy_dispatch_probability},
                  {"draws", r.routing.draws}};
  j["param_state_bytes_per_device"] = r.memory.param_state_bytes();
  j["memory_bytes_per_device"] = {{"weights", r.memory.weights_bytes},
                                  {"gradients", r.memory.gradients_bytes},
                                  {"optimizer_state", r.memory.optimizer_state_bytes},
                                  {"activations", r.memory.activations_bytes},
                                  {"buffers", r.memory.buffers_bytes},
                                  {"total", r.memory.total_bytes()}};
  j["hbm_bytes"] = r.hbm_bytes;
  put_run(r.run, j);
  put_energy(r, j);  // after the run totals: a chip without power clears their energy figures too
  j["simulated_devices"] = r.simulated_devices;
  j["ops"] = r.ops;
  j["simulation_events"] = r.events;
  j["simulator_wall_s"] = r.simulator_wall_s;
  return j;
}

}  // namespace moesim::reports
