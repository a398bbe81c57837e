#include "sim/step/energy_model.h"

namespace moesim::sim {
namespace {

/// Hosts, IT total, facility overhead and mean power from the accelerator and network parts already in `e`.
void complete(const PowerModel& power, int devices, double step_time_s, StepEnergy& e) {
  e.hosts_j = power.nodes * power.host_w_per_node * step_time_s;
  e.network_j = e.nics_j + e.switches_j;
  e.it_j = e.accelerators_j + e.hosts_j + e.network_j;
  e.facility_overhead_j = e.it_j * (power.pue - 1.0);
  e.facility_j = e.it_j + e.facility_overhead_j;
  const double n = devices;
  e.mean_power_per_device_w = (n > 0 && step_time_s > 0) ? e.facility_j / (n * step_time_s) : 0.0;
}

}  // namespace

StepEnergy step_energy(const PowerModel& power, const ActivitySeconds& mean_activity_s, int devices,
                       double step_time_s) {
  StepEnergy e;
  const double n = devices;
  if (power.measured_system_w_per_device) {
    e.it_j = n * step_time_s * *power.measured_system_w_per_device;
    e.accelerators_j = e.it_j;
    e.facility_overhead_j = e.it_j * (power.pue - 1.0);
    e.facility_j = e.it_j + e.facility_overhead_j;
    e.mean_power_per_device_w = (n > 0 && step_time_s > 0) ? e.facility_j / (n * step_time_s) : 0.0;
    return e;
  }
  auto at = [&](Activity a) { return mean_activity_s[static_cast<std::size_t>(a)]; };
  const double comm_s = at(Activity::kAllToAll) + at(Activity::kAllReduce) + at(Activity::kPipelineP2p);
  e.accelerators_compute_j = n * at(Activity::kComputeBound) * power.compute_w;
  e.accelerators_memory_j = n * at(Activity::kMemoryBound) * power.memory_w;
  e.accelerators_comm_j = n * comm_s * power.comm_w;
  e.accelerators_idle_j = n * at(Activity::kIdle) * power.idle_w;
  e.accelerators_j =
      e.accelerators_compute_j + e.accelerators_memory_j + e.accelerators_comm_j + e.accelerators_idle_j;
  e.nics_j = power.nics_w * step_time_s;
  e.switches_j = power.switches_w() * step_time_s;
  complete(power, devices, step_time_s, e);
  return e;
}

StepEnergy step_energy_from_plugins(const PowerModel& power, const PluginEnergy& measured, int devices,
                                    double step_time_s) {
  StepEnergy e;
  const auto& j = measured.accelerator_state_j;
  e.accelerators_compute_j = j[0];
  e.accelerators_memory_j = j[1];
  e.accelerators_comm_j = j[2];
  e.accelerators_idle_j = j[3];
  e.accelerators_j = j[0] + j[1] + j[2] + j[3];
  const double network_w = power.network_w();
  e.nics_j = network_w > 0 ? measured.network_j * power.nics_w / network_w : 0.0;
  e.switches_j = measured.network_j - e.nics_j;
  complete(power, devices, step_time_s, e);
  return e;
}

}  // namespace moesim::sim
