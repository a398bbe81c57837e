// moesim — energy of a step and of a training run from what was simulated.
#pragma once

#include <array>
#include <optional>

#include "sim/step/step_breakdown.h"

namespace moesim::sim {

/// Power drawn by the cluster, watts: each accelerator by its activity state, the hosts of the servers,
/// the scale-out NIC ports, the switches the topology instantiates (in-node NVSwitch/PCIe switches and the
/// fabric's leaves, spines, cores or routers with their port transceivers), and the data-centre overhead
/// (PUE). Energy then follows Patterson et al. 2021 §2.5: E = Σ power × time × PUE. Built by power_of()
/// (sim/step/power_setup.h) from the presets and the scenario's `energy:` section.
struct PowerModel {
  double compute_w = 0;  ///< accelerator running compute-bound kernels
  double memory_w = 0;   ///< accelerator running memory-bound kernels
  double comm_w = 0;     ///< accelerator waiting on communication (links and DMA engines busy)
  double idle_w = 0;     ///< accelerator idle (bubbles, waiting for slower devices)
  int nodes = 0;         ///< servers (hosts) of the cluster
  double host_w_per_node = 0;
  double nics_w = 0;             ///< every scale-out NIC port of the cluster with its transceiver
  double node_switches_w = 0;    ///< every in-node switch chip (NVSwitch, PCIe switch) of the cluster
  double fabric_switches_w = 0;  ///< every fabric switch with its cabled ports' transceivers
  double pue = 1.0;
  /// When set, the measured average system power per accelerator (Patterson's "measured system average
  /// power per accelerator", which already includes host, memory, NIC and fans) replaces the state model.
  std::optional<double> measured_system_w_per_device;

  double switches_w() const { return node_switches_w + fabric_switches_w; }
  double network_w() const { return nics_w + switches_w(); }
};

/// Joules of one step, split by where they go. Each part is a sum over the whole cluster.
struct StepEnergy {
  double accelerators_j = 0;  ///< the four states below (the measured path: the whole system power)
  double accelerators_compute_j = 0;
  double accelerators_memory_j = 0;
  double accelerators_comm_j = 0;
  double accelerators_idle_j = 0;
  double hosts_j = 0;
  double nics_j = 0;
  double switches_j = 0;
  double network_j = 0;                ///< NICs + switches
  double it_j = 0;                     ///< accelerators + hosts + network
  double facility_overhead_j = 0;      ///< it_j × (PUE - 1): cooling, power conversion, lighting
  double facility_j = 0;               ///< it_j × PUE: what the utility meter sees
  double mean_power_per_device_w = 0;  ///< facility power / devices
};

/// Joules an engine measured itself over one step (SimGrid's host and link energy plugins), whole cluster:
/// the accelerators by state (compute-bound, memory-bound, communication, idle) and the network.
struct PluginEnergy {
  std::array<double, 4> accelerator_state_j{};
  double network_j = 0;
};

/// Energy of one step of `step_time_s` on `devices` accelerators whose mean activity is `mean_activity_s`.
StepEnergy step_energy(const PowerModel& power, const ActivitySeconds& mean_activity_s, int devices,
                       double step_time_s);

/// Energy of a step whose accelerator and network joules an engine measured (`measured`). Hosts and PUE are
/// added as step_energy does; the network's split between NICs and switches follows `power`'s shares.
StepEnergy step_energy_from_plugins(const PowerModel& power, const PluginEnergy& measured, int devices,
                                    double step_time_s);

}  // namespace moesim::sim
