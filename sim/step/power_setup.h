// moesim — the power model of a scenario: the accelerator's states, and what the topology instantiates.
#pragma once

#include <optional>
#include <vector>

#include "sim/step/energy_model.h"
#include "topologies/accelerator.h"
#include "topologies/cluster_spec.h"
#include "topologies/topology.h"
#include "workloads/run_spec.h"

namespace moesim::sim {

/// What draws power in a topology besides the accelerators, counted on its graph.
struct NetworkInventory {
  int nic_ports = 0;        ///< scale-out NIC ports (cables of the "nic" tier)
  int node_switches = 0;    ///< in-node scale-up switch vertices (NVSwitch; links of the "nvlink" tier only)
  int pcie_switches = 0;    ///< PCIe switch vertices (a "pcie" tier link)
  int fabric_switches = 0;  ///< every other switch vertex: leaves, spines, cores, dragonfly routers
  int fabric_switch_ports = 0;  ///< cabled ports of the fabric switches (one per outgoing link)
};

/// What a switch vertex is, for its power figure.
enum class SwitchClass { kNotASwitch, kNodeSwitch, kPcieSwitch, kFabricSwitch };

/// Counts the NIC ports and switches of `topology`, and the class of each vertex.
NetworkInventory inventory_of(const topologies::Topology& topology);
std::vector<SwitchClass> switch_classes(const topologies::Topology& topology);

/// The power model and the figures it was built from.
struct PowerSetup {
  PowerModel model;
  topologies::ChipPowerStates chip;      ///< the accelerator's states (preset, or energy.chip_power)
  topologies::ClusterPowerSpec figures;  ///< per item: the cluster preset's, or the energy section's
  NetworkInventory inventory;

  /// Whether the chip's power is known: the preset's or the scenario's chip states, or a measured system
  /// power per accelerator. A chip with none (TPU v5e/v5p/v6e: Google publishes no chip power) has no
  /// energy figure; results then say "not modelled" instead of charging it 0 W.
  bool chip_power_known() const { return !chip.empty() || model.measured_system_w_per_device.has_value(); }
};

/// The accelerator's power by activity state: the preset's (AcceleratorSpec::power()), each state replaced
/// by `energy.chip_power` where the scenario gives it.
topologies::ChipPowerStates chip_states(const topologies::AcceleratorSpec& acc,
                                        const workloads::EnergySpec& e);

/// The scenario's power model: the accelerator preset's states (accelerator.h; `energy.chip_power` overrides
/// each), the cluster preset's host, NIC and switch figures (cluster_presets.cpp; the `energy:` section
/// overrides each) times what `topology` instantiates, the PUE, and the measured system power per
/// accelerator when the scenario gives one (which then replaces the activity model).
PowerSetup power_of(const topologies::AcceleratorSpec& acc, const workloads::RunSpec& run,
                    const topologies::ClusterSpec& cluster, const topologies::Topology& topology);

struct StepResult;

/// Fills the energy of `r` (whose step_time_s is set): the activity model on `mean_activity_s`, or, when
/// SimGrid's plugins measured the step (`plugins`), their joules with hosts and PUE added; then the power
/// model's name, the engine that integrated it, the PUE and the figures used.
void fill_energy(const PowerSetup& power, const ActivitySeconds& mean_activity_s,
                 const std::optional<PluginEnergy>& plugins, StepResult& r);

/// Static watts per directed link (index = LinkId) whose sum is the setup's network power: each NIC port's
/// figure split over the cable's two directions, each switch's figure (chassis and ports) split over its
/// outgoing links. SimGrid's link energy plugin integrates these (sim/network/step_dag.h).
std::vector<double> link_static_w(const topologies::Topology& topology, const PowerSetup& power);

}  // namespace moesim::sim
