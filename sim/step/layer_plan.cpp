#include "sim/step/layer_plan.h"

namespace moesim::sim {

std::vector<LayerPlan> layer_plan(const workloads::ModelSpec& m) {
  std::vector<LayerPlan> out;
  auto add_stack = [&](workloads::Stack s, std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) {
      const bool moe = m.is_moe() && m.moe_every > 0 && (i + 1) % m.moe_every == 0;
      out.push_back({s, moe});
    }
  };
  add_stack(workloads::Stack::kEncoder, m.encoder_layer_count());
  add_stack(workloads::Stack::kDecoder, m.decoder_layer_count());
  return out;
}

}  // namespace moesim::sim
