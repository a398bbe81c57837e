// moesim — built-in clusters that a scenario names with `cluster: {preset: NAME}`.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "topologies/cluster_spec.h"

namespace moesim::topologies {

/// A named cluster with a one-line description for `moesim presets`; `spec` carries its sources in
/// cluster_presets.cpp.
struct ClusterPreset {
  std::string name;
  std::string description;
  ClusterSpec spec;
};

/// All cluster presets, in the order `moesim presets` lists them.
std::span<const ClusterPreset> cluster_presets();

/// The preset called `name`, or nullptr.
const ClusterPreset* find_cluster_preset(std::string_view name);

/// "dgx-a100-superpod, dgx-h100-superpod, ..." for error messages.
std::string cluster_preset_names();

}  // namespace moesim::topologies
