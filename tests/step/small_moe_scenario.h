// The small MoE scenario the step-simulation tests share, and how they simulate it.
#pragma once

#include <string>
#include <vector>

#include "reports/scenario_run.h"
#include "workloads/scenario_overrides.h"

namespace moesim::sim::test {

// A small MoE model on two DGX H100 nodes (16 GPUs, 8 per node on NVSwitch, rails into a fat-tree).
inline const char* kSmallMoe = R"(
name: small-moe
model:
  name: small-moe
  layers: 8
  d_model: 1024
  n_heads: 16
  d_head: 64
  d_ff: 4096
  vocab: 32000
  tied_embeddings: true
  experts: 16
  expert_d_ff: 4096
  moe_every: 2
  top_k: 2
  gating: top2
  capacity_factor: 4.0
cluster:
  preset: dgx-h100-superpod
  devices: 16
parallelism:
  data: 16
  expert: 16
training:
  global_batch_sequences: 64
  sequence_length: 1024
  total_tokens: 1B
  precision: bf16
energy:
  pue: 1.2
  grid_kgco2e_per_kwh: 0.4
)";

// The same model without experts.
inline std::string dense_yaml() {
  std::string y = kSmallMoe;
  const auto from = y.find("  experts: 16");
  const auto to = y.find("cluster:");
  y.erase(from, to - from);
  return y;
}

inline nlohmann::json simulate(const std::string& yaml, const std::vector<std::string>& overrides = {},
                               const std::string& backend = "") {
  SimulateOptions o;
  if (!backend.empty()) o.backend = backend;
  return reports::simulate_scenario(workloads::apply_overrides(YAML::Load(yaml), overrides, "test.yaml"),
                                    "test.yaml", o);
}

}  // namespace moesim::sim::test
