// moesim — how a training run is split over the devices (the `parallelism:` section of a scenario).
#pragma once

#include <cstdint>
#include <vector>

namespace moesim::workloads {

/// Which device of an expert-parallel group holds which expert.
enum class ExpertPlacement {
  kContiguous,  ///< device i holds experts [i·E/EP, (i+1)·E/EP) (GShard / Switch / DeepSpeed-MoE layout)
  kRoundRobin,  ///< device i holds experts i, i+EP, i+2·EP, ...
};

/// Parallelism degrees of one run (Megatron-LM / GShard / DeepSpeed-MoE vocabulary).
///
/// devices = data × tensor × pipeline. The MoE layers fold the tensor × data devices of a stage again
/// (Megatron-Core's MoE parallel folding, Liu et al. 2025, arXiv:2504.14960): expert-tensor ×
/// expert × expert-data = tensor × data. The non-expert weights are replicated over `data`; each expert is
/// split over `expert_tensor` devices, the experts of a layer are spread over `expert` such shards and the
/// whole set is replicated tensor·data / (expert·expert_tensor) times. With the default expert_tensor =
/// tensor this is the classic layout: the expert-parallel group lives inside the data-parallel group. With E
/// experts per MoE layer either E % expert == 0 (each device holds E/expert whole experts, Switch style) or
/// expert % E == 0 (each expert is sharded over expert/E devices, GLaM/GSPMD style). check_parallelism()
/// enforces all of this.
struct ParallelismSpec {
  std::int64_t data = 1;  ///< data-parallel degree (required in YAML)
  std::int64_t expert =
      1;  ///< expert-parallel degree, a divisor of `data` (default 1: no expert parallelism)
  std::int64_t tensor = 1;  ///< tensor (Megatron intra-layer) degree (default 1)
  /// Expert tensor-parallel degree (Megatron `--expert-tensor-parallel-size`): each expert's FFN split over
  /// this many devices; 0 = unset, which means `tensor`. Read it through expert_tensor_degree().
  std::int64_t expert_tensor = 0;
  std::int64_t pipeline = 1;  ///< pipeline stages (default 1)
  std::int64_t micro_batches =
      1;  ///< micro-batches per step per pipeline (default 1; required if pipeline > 1)
  ExpertPlacement expert_placement = ExpertPlacement::kContiguous;  ///< default contiguous
  /// ZeRO stage (Rajbhandari et al., "ZeRO", SC 2020): what is sharded over the data-parallel replicas of
  /// each parameter. 0 = nothing (replicated, DDP / Megatron default); 1 = optimizer state (Megatron's
  /// distributed optimizer); 2 = + gradients (reduce-scatter instead of all-reduce); 3 = + weights, gathered
  /// layer by layer for forward and backward (FSDP full sharding; GSPMD's weight sharding as GLaM used).
  int zero = 0;
  /// Megatron sequence parallelism (Korthikanti et al. 2022 §4.2.2) with tensor parallelism: the norms and
  /// dropouts work on 1/tensor of the sequence, so every activation is split over the tensor ranks, and each
  /// tensor-parallel all-reduce becomes a reduce-scatter + all-gather pair moving the same bytes. GSPMD's
  /// sharding of activations along the model dimension (as GLaM ran) has the same memory effect.
  bool sequence_parallel = false;
  /// Model chunks per pipeline device: the interleaved 1F1B schedule (Narayanan et al. 2021 §2.2.2,
  /// Megatron-LM `--num-layers-per-virtual-pipeline-stage`), device s holding virtual stages s, s + p, ...;
  /// its bubble is (p - 1) / (v m). Default 1 (plain 1F1B).
  std::int64_t virtual_stages = 1;
  /// Layers of each pipeline stage, first to last (empty: layers / pipeline each). `stage_layers: auto`
  /// (balance_stages) picks them so that no stage does much more work than another (the logits of a large
  /// vocabulary make the last stage heavy).
  std::vector<std::int64_t> stage_layers;
  bool balance_stages = false;
  bool shard_weights() const { return zero >= 3; }
  std::int64_t expert_tensor_degree() const { return expert_tensor > 0 ? expert_tensor : tensor; }
  /// Replicas of each expert shard: the expert-data-parallel degree.
  std::int64_t expert_data() const { return data * tensor / (expert * expert_tensor_degree()); }

  std::int64_t devices() const { return data * tensor * pipeline; }
};

}  // namespace moesim::workloads
