// moesim — what the simulation of one training step tells: times, traffic, routing, memory, energy.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/step/compute_model.h"
#include "sim/step/energy_model.h"
#include "sim/step/memory_model.h"
#include "sim/step/power_setup.h"
#include "sim/step/step_breakdown.h"
#include "sim/step/step_graph.h"
#include "workloads/accounting.h"
#include "workloads/parallelism_spec.h"

namespace moesim::sim {

/// Where the result came from: versions, inputs and the models used.
struct Provenance {
  std::string moesim_version;
  std::string scenario;       ///< the scenario's name
  std::string scenario_file;  ///< the file it was read from
  std::string model;
  std::string cluster;
  std::string accelerator;
  int devices = 0;
  std::string backend;         ///< network backend that priced the collectives
  std::string compute_source;  ///< where compute times come from (measured profile or model)
};

/// The link that the step's all-to-alls keep busiest.
struct BusiestLink {
  std::string name;  ///< "from->to" vertex names
  std::string tier;
  double utilisation = 0;  ///< of the all-to-all that loads it most, in [0, 1]
};

/// Bytes that crossed the links of one tier (a transfer over 3 links counts 3 times).
struct TierBytes {
  std::string tier;
  double bytes = 0;
};

/// How the routing draws spread tokens over experts.
struct RoutingSummary {
  std::string distribution;
  double dropped_fraction = 0;  ///< of all token copies, mean over the draws
  double imbalance = 1;         ///< largest accepted expert load over the mean, worst draw
  /// Probability that a token's last chosen expert is dispatched (GShard's random second expert; 1 when
  /// every chosen expert is).
  double last_copy_dispatch_probability = 1;
  std::size_t draws = 0;
};

/// A whole training run at the simulated step time (when the scenario gives training.total_tokens).
struct RunTotals {
  double steps = 0;
  double time_to_train_s = 0;
  double accelerator_hours = 0;
  double energy_mwh = 0;
  std::optional<double> tco2e;           ///< with an energy section
  std::optional<double> embodied_tco2e;  ///< with energy.embodied_kgco2e_per_accelerator_hour
  std::optional<double> cost_usd;        ///< with a cost section
};

/// One op of a traced device's timeline, for Chrome / Perfetto traces.
struct TimelineOp {
  int device = 0;       ///< simulated device
  int real_device = 0;  ///< the cluster rank it is traced as (simulation.trace_devices, else the first copy)
  Stream stream = Stream::kCompute;
  OpCategory category = OpCategory::kAttention;
  int layer = -1;
  int micro_batch = 0;
  bool backward = false;
  double start_s = 0;
  double end_s = 0;
  double flops = 0;
  double bytes = 0;       ///< collectives: device-to-device bytes of the whole demand (all its groups)
  std::string algorithm;  ///< collectives: the library's choice
  int peers = 0;          ///< collectives: ranks in one group of the collective (p2p: 2); 0 for compute
  /// Collectives: per link tier (StepResult::link_tiers), the seconds the demand alone keeps the tier's
  /// busiest link busy, as the step engine charges it to the participants' link resources.
  std::vector<double> tier_busy_s;
};

/// The result of simulating one step of a scenario. Every quantity carries its unit in its name.
struct StepResult {
  Provenance provenance;
  workloads::ModelAccounting accounting;
  workloads::ParallelismSpec parallelism;
  double tokens_per_step = 0;
  double step_time_s = 0;
  double model_flops_per_step = 0;     ///< training FLOPs of the model (accounting) per step
  double executed_flops_per_step = 0;  ///< FLOPs the simulated kernels executed (drops, padding)
  double mfu = 0;                      ///< model FLOPs / (step time × devices × the matmul format's peak)
  double mfu_bf16 = 0;           ///< the same against the bf16 peak, to compare runs in different formats
  std::string matmul_precision;  ///< the format the GEMMs run in
  KernelTime compute_time;  ///< compute per simulated device: memory-bound, measured and per-family shares
  ActivitySeconds breakdown_s{};        ///< mean per device; sums to the step time
  StreamSeconds exposed_by_stream_s{};  ///< the exposed communication of breakdown_s by communicator
  double idle_collective_wait_s = 0;    ///< of the idle time: waiting at collectives for slower members
  double idle_bubble_s = 0;             ///< of the idle time: the rest (pipeline bubble, p2p waits)
  double a2a_bytes_per_step = 0;        ///< device-to-device bytes of every all-to-all
  std::vector<TierBytes> a2a_bytes_per_tier;
  std::optional<BusiestLink> busiest_link;
  RoutingSummary routing;
  MemoryBreakdown memory;  ///< per device, most loaded pipeline stage
  double hbm_bytes = 0;    ///< what one accelerator holds
  StepEnergy energy;
  std::string power_model;    ///< "measured system power per accelerator" or "activity states"
  std::string energy_engine;  ///< "analytic" or "simgrid energy plugins" (--backend ptask|flow)
  /// SimGrid runs: the activity model integrated on the same schedule, to compare with the plugins'.
  std::optional<StepEnergy> energy_activity_model;
  PowerSetup power;  ///< the figures the energy was computed from
  double pue = 1;
  std::optional<RunTotals> run;
  int simulated_devices = 0;
  std::size_t ops = 0;
  std::size_t events = 0;  ///< events of the discrete-event run
  double simulator_wall_s = 0;
  double devices_per_simulated = 1;     ///< cluster devices each simulated device stands for
  std::vector<TimelineOp> timeline;     ///< the traced devices' ops (SimulateOptions::timeline_devices)
  std::vector<std::string> link_tiers;  ///< the topology's link tiers, with the timeline
};

}  // namespace moesim::sim
