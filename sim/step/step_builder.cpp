// Set-up, network demands, compute ops and collectives of the step builder.
#include "sim/step/step_builder_parts.h"

#include "sim/step/memory_layout.h"

#include <algorithm>

namespace moesim::sim::detail {

using workloads::LayerKind;
using workloads::Stack;

const workloads::LayerCost* find_cost(const workloads::ModelAccounting& acc, LayerKind kind, Stack stack) {
  for (const auto& l : acc.layers) {
    if (l.kind == kind && (l.stack == stack || l.stack == Stack::kNone || stack == Stack::kNone)) return &l;
  }
  return nullptr;
}

double update_bytes_per_param(workloads::Optimizer o) {
  return o == workloads::Optimizer::kAdam ? 32.0 : 16.0;
}

Builder::Builder(const workloads::RunSpec& run, const workloads::ModelAccounting& acc,
                 const ComputeModel& compute, std::vector<ExpertLoad> loads)
    : run_(run), acc_(acc), compute_(compute), m_(run.model) {
  out_.loads = std::move(loads);
  const auto& p = run.parallelism;
  out_.layout = {static_cast<int>(p.data), static_cast<int>(p.tensor), static_cast<int>(p.pipeline),
                 static_cast<int>(p.expert), static_cast<int>(p.expert_tensor_degree())};
  stages_ = out_.layout.pipeline;
  micro_ = static_cast<int>(p.micro_batches);
  tp_ = out_.layout.tensor;
  const int ep = out_.layout.expert;
  sim_per_stage_ = m_.is_moe() ? static_cast<int>(std::min<std::int64_t>(ep, m_.experts)) : 1;
  out_.experts_simulated = sim_per_stage_;
  out_.graph = StepGraph(stages_ * sim_per_stage_);
  const double devices = static_cast<double>(p.devices());
  out_.real_devices_per_simulated = devices / (stages_ * sim_per_stage_);
  out_.tokens_per_microbatch =
      static_cast<double>(run.training.global_batch_tokens) / static_cast<double>(p.data) / micro_;
  dtype_ = workloads::bytes_per_element(run.training.precision);
  layers_ = layer_plan(m_);
  virtual_ = static_cast<int>(p.virtual_stages);
  boundaries_ = pipeline_boundaries(run, acc);
  costs_.emplace(run, acc, compute, out_.tokens_per_microbatch, tp_);
}

BuiltStep Builder::build() {
  for (int s = 0; s < stages_; ++s) build_stage(s);
  link_p2p();
  memory();
  return std::move(out_);
}

std::int32_t Builder::demand(NetworkDemand::Kind kind, int draw, int stage, double bytes, bool transpose) {
  const auto key = std::make_tuple(static_cast<int>(kind), draw, stage, bytes, transpose);
  auto it = demand_ids_.find(key);
  if (it != demand_ids_.end()) return it->second;
  const auto id = static_cast<std::int32_t>(out_.demands.size());
  out_.demands.push_back({kind, draw, stage, bytes, transpose});
  demand_ids_.emplace(key, id);
  return id;
}

Op Builder::compute_op(int device, OpCategory c, const BlockCost& cost, bool backward, int layer, int mb) {
  out_.compute_time += cost.time;
  return compute_op(device, c, cost.time.time_s, recomputing_ ? 0.0 : cost.flops, backward, layer, mb,
                    cost.time.memory_bound_s > 0.5 * cost.time.time_s);
}

Op Builder::compute_op(int device, OpCategory c, double seconds, double flops, bool backward, int layer,
                       int mb, bool memory_bound) const {
  Op op;
  op.device = device;
  op.category = c;
  op.duration_s = seconds;
  op.flops = flops;
  op.backward = backward;
  op.layer = layer;
  op.micro_batch = static_cast<std::int16_t>(mb);
  op.memory_bound = memory_bound;
  return op;
}

Stream Builder::stream_for(OpCategory c) const {
  const bool grad = c == OpCategory::kDpAllReduce || c == OpCategory::kExpertAllReduce;
  return grad && !run_.simulation.overlap.grad_reduce ? Stream::kCompute : communicator_stream(c);
}

std::vector<std::int32_t> Builder::collective(const std::vector<int>& devs,
                                              const std::vector<std::int32_t>& after, OpCategory c,
                                              std::int32_t demand_id, bool backward, int layer, int mb,
                                              bool with_producer) {
  std::vector<std::int32_t> ids;
  for (std::size_t i = 0; i < devs.size(); ++i) {
    Op op;
    op.device = devs[i];
    op.stream = stream_for(c);
    op.backward = backward;
    op.layer = layer;
    op.micro_batch = static_cast<std::int16_t>(mb);
    std::vector<std::int32_t> deps;
    if (after[i] >= 0) deps = {after[i]};
    if (with_producer && after[i] >= 0) deps = out_.graph.deps()[static_cast<std::size_t>(after[i])];
    ids.push_back(out_.graph.add(op, deps));
  }
  out_.graph.add_collective(c, demand_id, ids);
  return ids;
}

double Builder::dense_params_per_device() const {
  double dense = static_cast<double>(acc_.params_trained() - acc_.params_experts);
  // An importance-sampled softmax and its embedding live on parameter servers (TensorFlow's 2016 LM
  // training, Jozefowicz et al. 2016; Shazeer et al. 2017): a device holds and updates only the rows its
  // batch touches (param_sync.cpp edge_params counts the same rows).
  if (m_.softmax_samples > 0) {
    for (const auto& l : acc_.layers)
      if (l.kind == LayerKind::kEmbedding || (l.kind == LayerKind::kLogits && !l.mtp))
        dense -= static_cast<double>(l.params);
    dense += edge_params(0, static_cast<int>(layers_.size())) * tp_;
  }
  return dense / (tp_ * stages_);
}

double Builder::expert_params_per_device() const {
  return static_cast<double>(acc_.params_experts) /
         (static_cast<double>(out_.layout.expert) * out_.layout.expert_tensor * stages_);
}

double Builder::params_per_device() const {
  const bool sharded = run_.parallelism.zero >= 1;
  const double dense_replicas = sharded ? out_.layout.data : 1.0;
  const double expert_replicas = sharded ? static_cast<double>(out_.layout.expert_data()) : 1.0;
  return dense_params_per_device() / dense_replicas + expert_params_per_device() / expert_replicas;
}

void Builder::memory() {
  out_.memory = memory_per_device(run_, acc_, memory_layout(run_, acc_, out_.loads));
}

}  // namespace moesim::sim::detail

namespace moesim::sim {

BuiltStep build_step(const workloads::RunSpec& run, const workloads::ModelAccounting& accounting,
                     const ComputeModel& compute, std::vector<ExpertLoad> loads) {
  if (loads.empty()) loads.push_back(ExpertLoad{});
  return detail::Builder(run, accounting, compute, std::move(loads)).build();
}

}  // namespace moesim::sim
