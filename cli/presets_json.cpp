// moesim — the preset lists as JSON.
#include "cli/presets_json.h"

#include "topologies/accelerator.h"
#include "topologies/cluster_presets.h"
#include "workloads/accounting.h"
#include "workloads/model_zoo.h"

namespace moesim::cli {
namespace {

nlohmann::json model_json(const workloads::ModelSpec& m) {
  // Parameter counts do not depend on the sequence length; any positive one will do.
  const auto counts = workloads::account_model(m, workloads::AccountingOptions{2048, 2});
  return {{"name", m.name},
          {"moe", m.is_moe()},
          {"layers", m.total_layers()},
          {"d_model", m.d_model},
          {"n_heads", m.n_heads},
          {"d_ff", m.d_ff},
          {"vocab", m.vocab},
          {"experts", m.experts},
          {"top_k", m.top_k},
          {"expert_d_ff", m.expert_d_ff},
          {"params_total", counts.params_total},
          {"params_activated", counts.params_activated},
          {"source", m.source}};
}

nlohmann::json accelerator_json(const topologies::AcceleratorSpec& a) {
  return {{"name", a.name},
          {"peak_bf16_flop_per_s", a.peak_dense_bf16_flop_per_s},
          {"hbm_bytes", a.hbm_bytes},
          {"hbm_bandwidth_Bps", a.hbm_bandwidth_Bps},
          {"interconnect_bandwidth_Bps", a.interconnect_bandwidth_Bps},
          {"tdp_w", a.tdp_w ? nlohmann::json(*a.tdp_w) : nlohmann::json(nullptr)},
          {"description", a.description}};
}

nlohmann::json cluster_json(const topologies::ClusterPreset& c) {
  return {{"name", c.name},
          {"accelerator", c.spec.accelerator},
          {"devices", c.spec.device_count()},
          {"nodes", c.spec.node_count()},
          {"fabric", topologies::to_string(c.spec.fabric)},
          {"description", c.description}};
}

}  // namespace

nlohmann::json presets_json() {
  nlohmann::json doc{{"kind", "moesim-presets"},
                     {"models", nlohmann::json::array()},
                     {"accelerators", nlohmann::json::array()},
                     {"clusters", nlohmann::json::array()}};
  for (const auto& m : workloads::model_presets()) doc["models"].push_back(model_json(m));
  for (const auto& a : topologies::accelerators()) doc["accelerators"].push_back(accelerator_json(a));
  for (const auto& c : topologies::cluster_presets()) doc["clusters"].push_back(cluster_json(c));
  return doc;
}

}  // namespace moesim::cli
