// moesim — the built-in model presets (Switch/T5, GLaM, GShard, GPT-3), each number with its source.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "workloads/model_spec.h"

namespace moesim::workloads {

/// Every built-in model, in a fixed order (family by family). Names are lower-case with hyphens, e.g.
/// `switch-base`, `switch-c`, `glam-64b-64e`, `glam-8b-64e`, `gshard-600b`, `gpt3-175b`. The sources of the
/// numbers are in the zoo_<family>.cpp files and in each spec's `source`.
std::span<const ModelSpec> model_presets();

/// The preset called `name`, or nullptr.
const ModelSpec* find_model_preset(std::string_view name);

/// All preset names separated by ", " (for error messages and `moesim presets`).
std::string model_preset_names();

}  // namespace moesim::workloads
