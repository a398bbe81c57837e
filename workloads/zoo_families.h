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

}  // namespace moesim::workloads::zoo
