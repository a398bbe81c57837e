// moesim — how energy, carbon and money are counted (the `energy:` and `cost:` sections of a scenario).
#pragma once

#include <optional>

namespace moesim::workloads {

/// Data-centre energy inputs, Patterson et al. 2021 §2.5: kWh = hours × accelerators × average system power
/// per accelerator × PUE / 1000; tCO2e = kWh × kgCO2e/kWh / 1000. Absent section = no energy figures.
struct EnergySpec {
  bool present = false;            ///< the scenario has an `energy:` section
  double pue = 1.0;                ///< power usage effectiveness (>= 1), required
  double grid_kgco2e_per_kwh = 0;  ///< carbon intensity (kg CO2e per kWh), required
  std::optional<double>
      system_power_w_per_accelerator;           ///< measured average system power per accelerator (W)
  std::optional<double> host_power_w_per_node;  ///< host (CPU, NIC, fans) power per node (W)
};

/// Rental price. Absent section = no cost figures.
struct CostSpec {
  bool present = false;
  double usd_per_accelerator_hour = 0;  ///< USD per accelerator-hour (>= 0)
};

}  // namespace moesim::workloads
