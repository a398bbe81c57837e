// moesim — a scenario's own accelerator (`cluster.accelerator` given as a mapping).
#pragma once

#include "topologies/accelerator.h"
#include "workloads/yaml_reader.h"

namespace moesim::topologies {

/// Reads `cluster.accelerator: {name, like, peak_flops: {bf16: ..., fp8: ...}, hbm, hbm_bandwidth,
/// interconnect_bandwidth, power: {tdp, idle}}`. Every quantity must carry its unit. `like: PRESET` takes the
/// matrix-unit layout, achievable ceilings and links of a preset (not its peaks, memory or power); without
/// it `matrix_units` (SMs) and `matmul_ceiling` are required. Throws ConfigError naming the key.
AcceleratorSpec parse_custom_accelerator(const moesim::YamlMap& accelerator);

}  // namespace moesim::topologies
