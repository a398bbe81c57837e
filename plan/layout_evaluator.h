// moesim — simulating many layouts of one cluster in one process: the topology, the network backend, the
// compute model and a cache of the prices of identical network demands are built once and shared.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "plan/demand_cache.h"
#include "plan/layout_space.h"
#include "plan/plan_spec.h"
#include "sim/step/compute_model.h"
#include "sim/step/memory_model.h"
#include "sim/step/step_breakdown.h"

namespace moesim::plan {

/// What `moesim plan` keeps of one layout's simulation, every number as simulate_step() computed it.
struct LayoutOutcome {
  Layout layout;
  bool ok = false;
  std::string error_kind;  ///< when !ok: "config" (the simulation refused the layout) or "internal"
  std::string error;
  double step_time_s = 0;
  double mfu = 0;
  double tokens_per_s = 0;
  sim::MemoryBreakdown memory;  ///< per device, most loaded stage
  double hbm_bytes = 0;
  sim::ActivitySeconds breakdown_s{};  ///< mean per device, sums to the step time
  double energy_j_per_step = 0;        ///< facility energy
  double accelerator_hours_per_step = 0;
  std::optional<double> cost_usd_per_step;  ///< with a cost section
  std::optional<double> cost_usd_run;       ///< with a cost section and training.total_tokens
  std::optional<double> time_to_train_s;    ///< with training.total_tokens
  std::optional<double> energy_mwh_run;
  double simulator_wall_s = 0;

  /// Seconds of exposed communication (all-to-all + all-reduce + pipeline p2p; idle not counted).
  double exposed_comm_s() const;
  /// The value the objective minimises: step time (s), cost per step (USD) or energy per step (J).
  double objective_value(Objective objective) const;
};

/// Simulates layouts of the cluster of `base` (the scenario resized to the planned device count). Build it
/// before forking workers: the children share the topology copy-on-write.
class ClusterEvaluator {
 public:
  /// `backend`: analytic | ptask | flow. Throws ConfigError for a bad backend name or cluster.
  ClusterEvaluator(const sim::Scenario& base, const std::string& backend);

  const sim::Scenario& base() const { return base_; }
  double hbm_bytes() const { return hbm_bytes_; }
  /// The memory model's bytes per device for the layout, without simulating (layout_memory.h).
  sim::MemoryBreakdown memory(const Layout& layout) const;
  /// Simulates one step of the layout on the shared cluster. A layout the simulation refuses (ConfigError)
  /// or that throws comes back with ok = false and the message.
  LayoutOutcome evaluate(const Layout& layout);
  const CacheStats& cache_stats() const { return cache_.stats(); }

 private:
  sim::Scenario base_;
  workloads::ModelAccounting accounting_;
  double hbm_bytes_ = 0;
  std::string engine_;  // the step engine (analytic, ptask or flow)
  std::unique_ptr<topologies::Topology> topology_;
  std::unique_ptr<network::NetworkBackend> backend_;
  DemandCache cache_;
  std::optional<sim::ComputeModel> compute_;
};

}  // namespace moesim::plan
