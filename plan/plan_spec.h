// moesim — what `moesim plan` may choose from and what it minimises (the `plan:` section of a scenario).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workloads/training_spec.h"
#include "workloads/yaml_reader.h"

namespace moesim::plan {

/// What the search minimises: the step time, the cost of the training run (accelerator-hours × price) or the
/// facility energy of a step.
enum class Objective { kTime, kCost, kEnergy };

std::string_view to_string(Objective objective);
/// Parses "time" | "cost" | "energy"; throws ConfigError naming `file` and `key` otherwise.
Objective parse_objective(const std::string& text, const std::string& file, const std::string& key);

/// The parallelism degrees the search varies, in the order of their `plan:` keys.
enum class Axis { kData, kExpert, kTensor, kPipeline, kMicroBatches, kVirtualStages, kZero };
inline constexpr std::array<Axis, 7> kAxes{Axis::kData,     Axis::kExpert,       Axis::kTensor,
                                           Axis::kPipeline, Axis::kMicroBatches, Axis::kVirtualStages,
                                           Axis::kZero};
/// The axis's key under `plan:` and `parallelism:` ("data", "micro_batches", "zero", ...).
std::string_view axis_key(Axis axis);

/// The values one degree may take: every valid one, or only those `allowed` lists, and none above `max`.
struct AxisRule {
  std::vector<std::int64_t> allowed;  ///< empty: any valid value
  std::optional<std::int64_t> max;
  bool admits(std::int64_t value) const;
};

/// How a pipeline's layers are cut into stages: evenly (pipeline × virtual_stages divides the layers) or
/// balanced by FLOPs (`parallelism.stage_layers: auto`, any stage count up to the layer count, no
/// interleaving).
enum class StageSplit { kEven, kAuto };

/// The search space and the goal. Defaults: every valid layout of the scenario's cluster with tensor
/// parallelism inside a node, sequence parallelism whenever tensor > 1, experts split over the tensor ranks
/// or folded (expert_tensor 1), even stages, all three recompute modes, ZeRO 0-3; the 10 fastest are listed.
struct PlanSpec {
  Objective objective = Objective::kTime;
  int top = 10;                       ///< layouts printed (all evaluated ones go to the JSON)
  std::vector<std::int64_t> devices;  ///< cluster sizes to plan for; empty: the scenario's
  std::array<AxisRule, kAxes.size()> axes{};
  std::vector<workloads::Recompute> recompute{workloads::Recompute::kNone, workloads::Recompute::kSelective,
                                              workloads::Recompute::kFull};
  std::vector<bool> sequence_parallel{true};  ///< tried with tensor > 1 (tensor 1 has none)
  /// simulation.overlap.ep_comm values tried with an expert group; empty: the scenario's own.
  std::vector<bool> ep_comm;
  /// With tensor > 1: each expert split over the tensor ranks (false, the classic layout) and/or whole
  /// experts on expert groups folded into the tensor x data ranks (true: expert_tensor 1).
  std::vector<bool> fold_experts{false, true};
  std::vector<StageSplit> stage_split{StageSplit::kEven};
  bool tensor_within_node = true;  ///< the tensor group never leaves a node (NVLink / one host)

  const AxisRule& rule(Axis axis) const { return axes[static_cast<std::size_t>(axis)]; }
  AxisRule& rule(Axis axis) { return axes[static_cast<std::size_t>(axis)]; }
};

/// Reads the `plan:` mapping strictly. Keys (all optional):
///   objective: time | cost | energy          top: K (> 0)          devices: N or [N, ...]
///   data | expert | tensor | pipeline | micro_batches | virtual_stages | zero: a value or a list of values
///   max_data | max_expert | max_tensor | max_pipeline | max_micro_batches | max_virtual_stages: a bound
///   recompute: none | selective | full, or a list       sequence_parallel: true | false | both
///   expert_tensor: tensor | 1 | both                  ep_comm: true | false | both
///   stage_layers: even | auto | both                    tensor_within_node: true | false
/// An unknown key, a wrong type or an out-of-range value throws ConfigError naming file, line and key.
PlanSpec parse_plan_section(const YamlMap& section);

/// The section as JSON, for the plan document's provenance (only what differs from the defaults is
/// interesting, but everything is written so that a shard's space can be checked against another's).
std::string describe(const PlanSpec& spec);

}  // namespace moesim::plan
