// moesim — the per-family preset lists behind model_presets() (internal to workloads/).
#pragma once

#include <vector>

#include "workloads/model_spec.h"

namespace moesim::workloads::zoo {

/// T5 (dense) and Switch Transformer presets (Fedus et al. 2021, Table 9; flaxformer gins).
std::vector<ModelSpec> switch_presets();
/// GLaM dense and MoE presets (Du et al. 2022, Table 4).
std::vector<ModelSpec> glam_presets();
/// GShard MoE presets (Lepikhin et al. 2020, Table 1 and App. A.2).
std::vector<ModelSpec> gshard_presets();
/// Dense GPT-3 presets (Brown et al. 2020, Table 2.1).
std::vector<ModelSpec> gpt3_presets();
/// Mixtral 8x7B / 8x22B, DBRX and OLMoE (grouped-query attention, SwiGLU experts in every layer).
std::vector<ModelSpec> mixtral_presets();
/// DeepSeek-V2 and V3 (MLA, shared + fine-grained experts, limited routing, MTP).
std::vector<ModelSpec> deepseek_presets();
/// Qwen3-30B-A3B and Qwen3-235B-A22B.
std::vector<ModelSpec> qwen_presets();
/// Shazeer et al. 2017's LSTM language models with an MoE between LSTM layers (Tables 1, 7 and 8).
std::vector<ModelSpec> shazeer_presets();

}  // namespace moesim::workloads::zoo
