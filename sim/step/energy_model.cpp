#include "sim/step/energy_model.h"

#include <cmath>

namespace moesim::sim {

StepEnergy step_energy(const PowerModel& power, const ActivitySeconds& mean_activity_s, int devices,
                       double step_time_s) {
  StepEnergy e;
  const double n = devices;
  if (power.measured_system_w_per_device) {
    e.it_j = n * step_time_s * *power.measured_system_w_per_device;
    e.accelerators_j = e.it_j;
  } else {
    auto at = [&](Activity a) { return mean_activity_s[static_cast<std::size_t>(a)]; };
    const double per_device_j =
        at(Activity::kComputeBound) * power.compute_w + at(Activity::kMemoryBound) * power.memory_w +
        (at(Activity::kAllToAll) + at(Activity::kAllReduce) + at(Activity::kPipelineP2p)) * power.comm_w +
        at(Activity::kIdle) * power.idle_w;
    e.accelerators_j = n * per_device_j;
    const double nodes = std::ceil(n / std::max(1, power.devices_per_node));
    e.hosts_j = nodes * power.host_w_per_node * step_time_s;
    e.network_j = power.network_w_total * step_time_s;
    e.it_j = e.accelerators_j + e.hosts_j + e.network_j;
  }
  e.facility_j = e.it_j * power.pue;
  e.mean_power_per_device_w = (n > 0 && step_time_s > 0) ? e.facility_j / (n * step_time_s) : 0.0;
  return e;
}

}  // namespace moesim::sim
