// moesim — SimGrid's host and link energy plugins on a step run (sim/network/step_dag.h). This header does
// not include SimGrid.
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "sim/network/step_dag.h"

namespace simgrid::s4u {
class Activity;
class Host;
class Link;
}  // namespace simgrid::s4u

namespace moesim::network {

/// Chip states a simulated device's energy is split into (compute-bound, memory-bound, communication,
/// idle), one energy host each.
inline constexpr int kChipStates = 4;

/// Turns on SimGrid's host and link energy plugins. Call after creating the engine and before any host or
/// link exists. The host `extra<first_state_host + kChipStates d + s>` then draws state s's power of
/// device d when loaded and 0 W when not (`wattage_per_state` "0:P:P", Idle:Epsilon:AllCores); every other
/// host draws 0 W.
void init_energy_plugins(const DagPower& power, int first_state_host, int devices);

/// Gives each link its static power (`wattage_range` "W:W": no traffic-dependent part, see
/// cluster_presets.cpp) for the link energy plugin.
void set_link_power(const std::vector<simgrid::s4u::Link*>& links, const std::vector<double>& link_w);

/// Joules the link energy plugin integrated over `links` (after the run).
double links_energy_j(const std::vector<simgrid::s4u::Link*>& links);

/// Keeps each simulated device's state host loaded exactly while the device is in that state, so that the
/// host energy plugin integrates the chip's power: a twin Exec of the same length beside every compute- or
/// memory-bound task, a marker Exec while a collective (or a communication task) is in flight and nothing
/// computes, another while nothing at all runs. The priorities are the activity breakdown's
/// (sim/step/step_breakdown.h): computing hides communication, communication hides idleness.
class ChipEnergyTracker {
 public:
  /// `state_hosts`: kChipStates per device, in init_energy_plugins' order; `speed_flops`: their speed.
  ChipEnergyTracker(std::vector<simgrid::s4u::Host*> state_hosts, double speed_flops);
  ~ChipEnergyTracker();
  ChipEnergyTracker(const ChipEnergyTracker&) = delete;
  ChipEnergyTracker& operator=(const ChipEnergyTracker&) = delete;

  void compute_started(int device, ChipState state, double flops);
  void compute_ended(int device, ChipState state);
  void collective_started(const std::vector<int>& participants);
  void collective_ended(const std::vector<int>& participants);
  /// After the events of one instant: starts and cancels the markers of the devices whose state changed.
  void settle();
  /// The DAG is done: cancels every marker, so that the engine stops at the end of the step.
  void finish();
  /// Restarts a marker that ran to its horizon (a step longer than the horizon); ignores anything else.
  void on_completion(const simgrid::s4u::Activity& activity);
  /// Joules by state summed over the devices (after the run).
  std::array<double, kChipStates> chip_state_j() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace moesim::network
