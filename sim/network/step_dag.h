// moesim — a whole training step as a DAG of compute tasks and collectives, run by SimGrid.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "sim/network/network_backend.h"
#include "sim/network/traffic.h"

namespace moesim::network {

/// What a simulated device's chip does during a compute task, for the energy plugins.
enum class ChipState : std::uint8_t { kComputeBound, kMemoryBound, kCommunication };

/// One task of a step DAG: a compute kernel on a simulated device (`duration_s` of its compute stream), or
/// a collective (every transfer schedule of `collective`, all at once). A task starts when every task in
/// `deps` has ended (the DAG already holds stream order as dependencies).
struct DagTask {
  int device = 0;         ///< compute: the simulated device whose compute unit runs it
  double duration_s = 0;  ///< compute: its time on an idle device
  int collective = -1;    ///< >= 0: index into the DAG's collectives; the task is that collective
  std::vector<int> deps;  ///< tasks that must end before this one starts
  ChipState state = ChipState::kComputeBound;  ///< compute: the chip's state while it runs
  std::vector<int> participants{};             ///< collective: the simulated devices taking part
};

/// A collective of the step: the schedules of all the groups that run it at the same time (one demand of
/// the step: e.g. every data-parallel group's gradient all-reduce).
struct DagCollective {
  std::vector<Schedule> schedules;
};

/// A step DAG over `compute_devices` simulated devices.
struct StepDag {
  int compute_devices = 1;
  std::vector<DagTask> tasks;
  std::vector<DagCollective> collectives;
};

/// Power for SimGrid's energy plugins: each simulated device's chip by state (the host energy plugin), each
/// directed link's static watts (the link energy plugin; index = LinkId; empty = no link energy).
struct DagPower {
  double compute_w = 0, memory_w = 0, comm_w = 0, idle_w = 0;
  std::vector<double> link_w;
};

/// Joules the plugins integrated over the run: chips by state (compute-bound, memory-bound, communication,
/// idle) summed over the simulated devices, and every link.
struct DagEnergy {
  std::array<double, 4> chip_state_j{};
  double links_j = 0;
};

/// When each task started and ended, seconds; with DagPower, the energy the plugins measured.
struct DagTimes {
  std::vector<double> start_s;
  std::vector<double> end_s;
  std::optional<DagEnergy> energy;
};

/// Runs the DAG on SimGrid over a platform built from `topology` (every device a host, every switch a
/// router, every directed edge a SHARED link, single-path routes): compute tasks are Execs on one host per
/// simulated device, each collective runs its schedules' phases (a fixed overhead on a timer, then the
/// phase's transfers as one parallel task with `kPtask`, or one flow per transfer with `kFlow`), and all
/// collectives in flight share the links through SimGrid's own solver (L07 / CM02), so contention between
/// concurrent collectives is SimGrid's, not moesim's. Activities are chained from completion callbacks
/// (the DAG's streams are chains of dependent activities). Runs in a forked child (one engine per process).
/// With `power`, SimGrid's host and link energy plugins measure the step's energy (simgrid_energy.h).
/// Throws std::invalid_argument for kAnalytic or, with kFlow, more than kFlowMaxEndpoints devices.
DagTimes run_step_dag(const StepDag& dag, const topologies::Topology& topology, BackendKind kind,
                      const BackendOptions& options = {}, const DagPower* power = nullptr);

}  // namespace moesim::network
