// moesim — how energy, carbon and money are counted (the `energy:` and `cost:` sections of a scenario).
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace moesim::workloads {

/// The accelerator's power by activity state, when the scenario measured its own (`energy.chip_power`).
struct ChipPowerOverride {
  std::optional<double> compute_bound_w;
  std::optional<double> memory_bound_w;
  std::optional<double> communication_w;
  std::optional<double> idle_w;
};

/// Data-centre energy inputs, Patterson et al. 2021 §2.5: kWh = hours × accelerators × average system power
/// per accelerator × PUE / 1000; tCO2e = kWh × kgCO2e/kWh / 1000. Absent section = no energy figures.
/// Without a measured system power the activity model charges the accelerators by state, the hosts, NICs
/// and switches of the cluster preset (topologies/cluster_presets.cpp), each overridable here.
struct EnergySpec {
  bool present = false;            ///< the scenario has an `energy:` section
  double pue = 1.0;                ///< power usage effectiveness (>= 1), required
  double grid_kgco2e_per_kwh = 0;  ///< carbon intensity (kg CO2e per kWh): given, or from grid_region
  std::optional<std::string_view> grid_region;  ///< the named region it came from (grid_regions())
  std::optional<double>
      system_power_w_per_accelerator;           ///< measured average system power per accelerator (W)
  std::optional<double> host_power_w_per_node;  ///< host (CPU, DRAM, fans, storage) power per node (W)
  std::optional<double> nic_power_w_per_port;   ///< one scale-out NIC port with its transceiver (W)
  std::optional<double> node_switch_power_w;    ///< the in-node switch chips of one server (W)
  std::optional<double> switch_power_w;         ///< one fabric switch without port transceivers (W)
  std::optional<double> switch_port_power_w;    ///< one cabled fabric-switch port's transceiver (W)
  ChipPowerOverride chip_power;
  /// Manufacturing emissions per accelerator-hour (kg CO2e), e.g. 0.0103 for A100 servers (README).
  std::optional<double> embodied_kgco2e_per_accelerator_hour;
};

/// A named electricity grid and its carbon intensity, with the source of the figure.
struct GridRegion {
  std::string_view name;
  double kgco2e_per_kwh;
  std::string_view source;
};

/// Every named grid `energy.grid_region` accepts (workloads/grid_regions.cpp).
std::span<const GridRegion> grid_regions();
/// The region called `name`, or nullptr.
const GridRegion* find_grid_region(std::string_view name);

/// Rental price. Absent section = no cost figures.
struct CostSpec {
  bool present = false;
  double usd_per_accelerator_hour = 0;  ///< USD per accelerator-hour (>= 0)
};

}  // namespace moesim::workloads
