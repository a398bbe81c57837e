// Which tokens reach which device of an expert-parallel group (declared in sim/step/step_builder.h).
#include "sim/step/step_builder.h"

namespace moesim::sim {

double routed_tokens_per_group(const workloads::RunSpec& run) {
  const auto& p = run.parallelism;
  return static_cast<double>(run.training.global_batch_tokens) /
         static_cast<double>(p.data * p.micro_batches) / static_cast<double>(p.tensor) *
         static_cast<double>(p.expert);
}

double received_copies(const workloads::RunSpec& run, const ExpertLoad& load, int member) {
  const auto ep = run.parallelism.expert;
  const auto experts = run.model.experts;
  if (run.simulation.padded_dispatch) {  // every expert's full capacity buffer, whatever its load
    return ep >= experts ? load.capacity_tokens / static_cast<double>(ep / experts)
                         : load.capacity_tokens * static_cast<double>(experts / ep);
  }
  if (ep >= experts) {  // expert `member / shards` split over `shards` devices, each taking an equal share
    const auto shards = ep / experts;
    return load.accepted_tokens[static_cast<std::size_t>(member / shards)] / static_cast<double>(shards);
  }
  const auto per = experts / ep;
  double sum = 0;
  for (std::int64_t k = 0; k < per; ++k) {
    const auto e = run.parallelism.expert_placement == workloads::ExpertPlacement::kContiguous
                       ? member * per + k
                       : member + k * ep;
    sum += load.accepted_tokens[static_cast<std::size_t>(e)];
  }
  return sum;
}

int BuiltStep::real_device(int simulated) const {
  const int stage = simulated / experts_simulated, i = simulated % experts_simulated;
  return layout.device(stage, i * (layout.expert / experts_simulated), 0);
}

int BuiltStep::simulated_device(int real) const {
  const int stage = real / (layout.tensor * layout.data);
  const int data_rank = real / layout.tensor % layout.data;
  return stage * experts_simulated + data_rank % layout.expert / (layout.expert / experts_simulated);
}

}  // namespace moesim::sim
