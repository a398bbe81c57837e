// moesim — the layouts of an MoE run on a cluster: every valid combination of the parallelism degrees, the
// micro-batch count, ZeRO, recompute, virtual stages and stage split that a plan allows.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "plan/plan_spec.h"
#include "sim/step/step_simulation.h"

namespace moesim::plan {

/// One point of the search: a cluster size, the parallelism on it and the recompute mode.
struct Layout {
  std::int64_t devices = 0;
  workloads::ParallelismSpec parallelism;  ///< stage_layers is never listed: even, or balanced (auto)
  workloads::Recompute recompute = workloads::Recompute::kNone;
  /// simulation.overlap.ep_comm: forward and backward of different micro-batches merged so that their
  /// all-to-alls hide behind each other's compute.
  bool ep_comm = false;

  /// "TP2 PP4 EP8 DP128 mb16 v2 ZeRO-1 selective SP" (+ "ETP1" after EP when the experts are not split
  /// over the tensor ranks, "auto-stages", "ep-overlap" with ep_comm, "@512 GPUs" when asked).
  std::string label(bool with_devices = false) const;
  /// "T2 P4 E8 D32 m16 v2 Z1 sel SP" ("E8/1" folded, "ov" with ep_comm): the same in about 25 characters.
  std::string short_label(bool with_devices = false) const;
  /// The `--set` overrides that give this layout to `moesim simulate` on the same scenario file.
  std::vector<std::string> overrides() const;
  /// The degrees whose layouts share most collectives (same groups, same gradient buckets): the unit of
  /// work handed to one process, so that its cache of collective prices is reused.
  std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t> group_key()
      const {
    const auto& p = parallelism;
    return {devices, p.tensor, p.pipeline, p.data, p.expert, p.expert_tensor_degree()};
  }
  bool operator==(const Layout& o) const;
};

/// The scenario with `layout` applied: its parallelism (placement kept from the scenario), recompute mode and
/// all-to-all overlap.
/// `base` must already describe a cluster of layout.devices devices.
sim::Scenario apply_layout(const sim::Scenario& base, const Layout& layout);

/// Every layout of `spec` on the cluster of `base` (whose own parallelism is ignored), in a fixed order:
///  - tensor divides the model's heads (and the devices of a node with tensor_within_node), pipeline the
///    devices left, data = devices / (tensor × pipeline);
///  - expert divides data (each expert split over the tensor ranks) or, folded with tensor > 1
///    (expert_tensor 1), tensor × data; experts divide over it or it over the experts (1 for a dense model);
///  - micro-batches divide the sequences each data rank gets; virtual stages as the interleaved schedule
///    requires (pipeline > 1, micro-batches a multiple of pipeline, pipeline × virtual dividing the layers);
///  - even stages need pipeline to divide the layers, balanced ones (auto) at most one stage per layer;
///  - every ZeRO stage and recompute mode the spec allows; sequence parallelism only with tensor > 1;
///  - the all-to-all overlap (ep_comm) the spec allows, on only with an expert group (expert > 1), two
///    micro-batches or more and no interleaved stages.
/// Each one passes workloads::check_parallelism (`root` is the scenario's, for its messages). `rejected`,
/// when given, counts the combinations the rules above let through but check_parallelism refused (0
/// unless the rules drift apart).
std::vector<Layout> enumerate_layouts(const sim::Scenario& base, const YamlMap& root, const PlanSpec& spec,
                                      std::size_t* rejected = nullptr);

}  // namespace moesim::plan
