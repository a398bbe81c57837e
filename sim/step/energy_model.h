// moesim — energy of a step and of a training run from what was simulated.
#pragma once

#include <optional>

#include "sim/step/step_breakdown.h"

namespace moesim::sim {

/// Power drawn by the cluster, by accelerator activity, plus what is not on the accelerator: the host
/// (CPUs, DRAM, NICs, fans) per node, network switches, and the datacenter overhead (PUE). Energy then
/// follows Patterson et al. 2021 §2.5: E = Σ power × time × PUE.
struct PowerModel {
  double compute_w = 0;  ///< accelerator running compute-bound kernels
  double memory_w = 0;   ///< accelerator running memory-bound kernels
  double comm_w = 0;     ///< accelerator waiting on communication (links and DMA engines busy)
  double idle_w = 0;     ///< accelerator idle (bubbles, waiting for slower devices)
  double host_w_per_node = 0;
  int devices_per_node = 1;
  double network_w_total = 0;  ///< all switches of the fabric
  double pue = 1.0;
  /// When set, the measured average system power per accelerator (Patterson's "measured system average
  /// power per accelerator", which already includes host, memory, NIC and fans) replaces the state model.
  std::optional<double> measured_system_w_per_device;
};

/// Joules of one step, split by where they go.
struct StepEnergy {
  double accelerators_j = 0;
  double hosts_j = 0;
  double network_j = 0;
  double it_j = 0;                     ///< accelerators + hosts + network
  double facility_j = 0;               ///< it_j × PUE: what the utility meter sees
  double mean_power_per_device_w = 0;  ///< facility power / devices
};

/// Energy of one step of `step_time_s` on `devices` accelerators whose mean activity is `mean_activity_s`.
StepEnergy step_energy(const PowerModel& power, const ActivitySeconds& mean_activity_s, int devices,
                       double step_time_s);

}  // namespace moesim::sim
