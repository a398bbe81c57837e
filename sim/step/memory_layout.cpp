#include "sim/step/memory_layout.h"

#include <algorithm>

#include "sim/step/random_routing.h"
#include "sim/step/step_builder.h"

namespace moesim::sim {

RoutingDistribution routing_of(const workloads::RunSpec& run) {
  RoutingDistribution d;
  const auto& r = run.simulation.routing;
  switch (r.distribution) {
    case workloads::RoutingDistribution::kUniform:
      d.kind = "uniform";
      break;
    case workloads::RoutingDistribution::kZipf:
      d.kind = "zipf";
      break;
    case workloads::RoutingDistribution::kHistogram:
      d.kind = "histogram";
      break;
  }
  d.zipf_s = r.zipf_s;
  d.histogram = r.histogram;
  d.seed = r.seed;
  return d;
}

std::vector<ExpertLoad> routing_draws(const workloads::RunSpec& run,
                                      const workloads::ModelAccounting& accounting, int devices_per_node) {
  std::vector<ExpertLoad> loads;
  if (!run.model.is_moe()) return loads;
  const auto draws = std::min<std::int64_t>(8, std::max<std::int64_t>(1, accounting.moe_layers));
  const double tokens = routed_tokens_per_group(run);
  const auto structure = routing_structure(run, devices_per_node);
  RoutingDistribution dist = routing_of(run);
  // GShard's top-2 gating dispatches the second expert with probability 2·g2 (random routing).
  if (run.model.gating == workloads::GatingKind::kTop2 && run.model.top_k == 2)
    dist.last_copy_keep = second_expert_dispatch_probability(static_cast<int>(run.model.experts),
                                                             run.simulation.routing.logit_std);
  for (std::int64_t l = 0; l < draws; ++l) {
    if (structure) {
      loads.push_back(draw_structured_load(dist, *structure, static_cast<int>(run.model.top_k), tokens,
                                           run.model.capacity_factor, static_cast<int>(l)));
      continue;
    }
    loads.push_back(draw_expert_load(dist, static_cast<int>(run.model.experts),
                                     static_cast<int>(run.model.top_k), tokens, run.model.capacity_factor,
                                     static_cast<int>(l)));
  }
  return loads;
}

MemoryLayout memory_layout(const workloads::RunSpec& run, const workloads::ModelAccounting& accounting,
                           const std::vector<ExpertLoad>& loads) {
  const auto& p = run.parallelism;
  const auto& m = run.model;
  const double tp = static_cast<double>(p.tensor), stages = static_cast<double>(p.pipeline);
  MemoryLayout layout;
  layout.dense_params_per_device =
      static_cast<double>(accounting.params_total - accounting.params_experts) / (tp * stages);
  const double etp = static_cast<double>(p.expert_tensor_degree());
  layout.expert_params_per_device =
      static_cast<double>(accounting.params_experts) / (static_cast<double>(p.expert) * etp * stages);
  layout.tokens_per_microbatch = static_cast<double>(run.training.global_batch_tokens) /
                                 static_cast<double>(p.data) / static_cast<double>(p.micro_batches);
  if (!m.is_moe()) return layout;
  // The busiest simulated device of a stage. With expert tensor parallelism a device computes the copies its
  // whole expert-tensor group received (gathered).
  const int simulated = static_cast<int>(std::min<std::int64_t>(p.expert, m.experts));
  for (int i = 0; i < simulated; ++i) {
    const int member = simulated_member(run, i);
    for (const auto& load : loads)
      layout.expert_copies_per_microbatch =
          std::max(layout.expert_copies_per_microbatch, etp * received_copies(run, load, member));
  }
  return layout;
}

}  // namespace moesim::sim
