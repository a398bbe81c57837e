#include "plan/layout_evaluator.h"

#include "plan/layout_memory.h"
#include "sim/network/network_backend.h"
#include "sim/step/compute_setup.h"
#include "topologies/accelerator.h"
#include "topologies/topology_factory.h"
#include "workloads/config_error.h"

namespace moesim::plan {
namespace {

using sim::Activity;

double at(const sim::ActivitySeconds& a, Activity x) {
  return a[static_cast<std::size_t>(x)];
}

workloads::ModelAccounting account(const workloads::RunSpec& run) {
  return workloads::account_model(run.model, workloads::accounting_options(run.training));
}

}  // namespace

double LayoutOutcome::exposed_comm_s() const {
  return at(breakdown_s, Activity::kAllToAll) + at(breakdown_s, Activity::kAllReduce) +
         at(breakdown_s, Activity::kPipelineP2p);
}

double LayoutOutcome::objective_value(Objective objective) const {
  switch (objective) {
    case Objective::kTime:
      return step_time_s;
    case Objective::kCost:
      return cost_usd_per_step.value_or(0.0);
    case Objective::kEnergy:
      return energy_j_per_step;
  }
  return step_time_s;
}

ClusterEvaluator::ClusterEvaluator(const sim::Scenario& base, const std::string& backend)
    : base_(base), accounting_(account(base.run)) {
  const auto& acc = topologies::find_accelerator(base_.cluster.accelerator);
  hbm_bytes_ = acc.hbm_bytes;
  network::BackendKind kind{};
  try {
    kind = network::parse_backend(backend);
  } catch (const std::invalid_argument&) {
    throw ConfigError("", 0, "--backend", "expected analytic, ptask or flow, got '" + backend + "'");
  }
  engine_ = std::string(network::backend_name(kind));
  topology_ = topologies::make_topology(base_.cluster);
  network::BackendOptions options;
  options.keep_link_bytes = true;  // the step engine shares links between demands with them
  // Demands are priced analytically; `kind` is the engine that runs each layout's step.
  backend_ = network::make_backend(network::BackendKind::kAnalytic, *topology_, options);
  compute_.emplace(sim::make_compute(acc, base_.run, base_.lines));
}

sim::MemoryBreakdown ClusterEvaluator::memory(const Layout& layout) const {
  return estimate_memory(apply_layout(base_, layout).run, accounting_,
                         base_.cluster.device_count() / std::max(1, base_.cluster.node_count()));
}

LayoutOutcome ClusterEvaluator::evaluate(const Layout& layout) {
  LayoutOutcome o;
  o.layout = layout;
  sim::StepResult r;
  try {
    sim::SimulateOptions options;
    options.backend = engine_;
    r = sim::simulate_step(apply_layout(base_, layout), options,
                           sim::PrebuiltCluster{topology_.get(), backend_.get(), &*compute_, &cache_});
  } catch (const ConfigError& e) {
    o.error_kind = "config";
    o.error = e.what();
    return o;
  } catch (const std::exception& e) {
    o.error_kind = "internal";
    o.error = e.what();
    return o;
  }
  o.ok = true;
  o.step_time_s = r.step_time_s;
  o.mfu = r.mfu;
  o.tokens_per_s = r.tokens_per_step / r.step_time_s;
  o.memory = r.memory;
  o.hbm_bytes = r.hbm_bytes;
  o.breakdown_s = r.breakdown_s;
  o.energy_j_per_step = r.energy.facility_j;
  o.accelerator_hours_per_step = r.step_time_s * static_cast<double>(layout.devices) / 3600.0;
  if (base_.run.cost.present)
    o.cost_usd_per_step = o.accelerator_hours_per_step * base_.run.cost.usd_per_accelerator_hour;
  if (r.run) {
    o.cost_usd_run = r.run->cost_usd;
    o.time_to_train_s = r.run->time_to_train_s;
    o.energy_mwh_run = r.run->energy_mwh;
  }
  o.simulator_wall_s = r.simulator_wall_s;
  return o;
}

}  // namespace moesim::plan
