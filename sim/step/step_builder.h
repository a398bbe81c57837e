// moesim — builds the op graph of one training step from a scenario's model, parallelism and batch.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/step/compute_model.h"
#include "sim/step/expert_load.h"
#include "sim/step/memory_model.h"
#include "sim/step/step_graph.h"
#include "workloads/accounting.h"
#include "workloads/run_spec.h"

namespace moesim::sim {

/// Traffic that the network backend must price. Identical demands are priced once and reused, which is
/// what makes thousands of devices tractable (design notes: "identical collectives are simulated once").
struct NetworkDemand {
  enum class Kind {
    kAllToAll,
    kTpAllReduce,
    kDpAllReduce,
    kExpertAllReduce,
    kP2p,
    kDpReduceScatter,        ///< ZeRO >= 1: dense gradients over the data-parallel group
    kExpertReduceScatter,    ///< ZeRO >= 1: expert gradients over the expert's replicas
    kDpAllGather,            ///< ZeRO: dense weights over the data-parallel group
    kExpertAllGather,        ///< ZeRO: expert weights over the expert's replicas
    kExpertTpAllGather,      ///< received token copies gathered over the expert-tensor group
    kExpertTpReduceScatter,  ///< the experts' partial outputs reduce-scattered over the expert-tensor group
    kTpAllGather,            ///< the MoE output gathered over the tensor group (no sequence parallelism)
  };
  Kind kind = Kind::kAllToAll;
  int draw = -1;           ///< routing draw (all-to-all)
  int stage = 0;           ///< pipeline stage whose groups run it; p2p: boundary stage -> stage+1
  double bytes = 0;        ///< per-rank buffer (all-reduce), per-device message (p2p)
  bool transpose = false;  ///< all-to-all: the combine, which sends the dispatch's byte matrix back
};

/// Rank layout of the real cluster: tensor ranks fastest (inside a node), then data, then pipeline stages
/// (Megatron-LM's default order, Narayanan et al. 2021 §3). The MoE layers fold the tensor × data ranks of
/// a stage again, expert-tensor ranks fastest, then expert-parallel members, then expert-data replicas
/// (Megatron-Core's MoE parallel folding); with expert_tensor = tensor both orders name the same devices.
struct RankLayout {
  int data = 1, tensor = 1, pipeline = 1, expert = 1, expert_tensor = 1;
  int device(int stage, int data_rank, int tensor_rank) const {
    return (stage * data + data_rank) * tensor + tensor_rank;
  }
  /// Replicas of each expert shard.
  int expert_data() const { return data * tensor / (expert * expert_tensor); }
  int expert_device(int stage, int expert_data_rank, int member, int expert_tensor_rank) const {
    return stage * data * tensor + (expert_data_rank * expert + member) * expert_tensor + expert_tensor_rank;
  }
};

/// The simulated step: a graph over representative devices plus the demands its collectives refer to.
/// Devices that are exact copies of each other (tensor-parallel ranks; expert-parallel groups that are
/// data-parallel replicas) are simulated once; collectives are still priced on the full cluster.
struct BuiltStep {
  StepGraph graph{1};
  std::vector<NetworkDemand> demands;
  RankLayout layout;
  int experts_simulated = 1;  ///< simulated devices per pipeline stage
  double real_devices_per_simulated = 1;
  double tokens_per_microbatch = 0;  ///< per data-parallel rank
  std::vector<ExpertLoad> loads;     ///< one per routing draw
  MemoryBreakdown memory;            ///< per device, on the most loaded stage
  KernelTime compute_time;  ///< all compute ops of the simulated devices: time, memory-bound, measured shares

  /// The real device (rank) simulated device `simulated` stands for: the first of its copies.
  int real_device(int simulated) const;
  /// The simulated device that plays the role of real device `real` (same stage, same expert-group member).
  int simulated_device(int real) const;
};

/// Builds the step. `loads` holds the expert loads of each routing draw (MoE layer l uses draw l mod size).
BuiltStep build_step(const workloads::RunSpec& run, const workloads::ModelAccounting& accounting,
                     const ComputeModel& compute, std::vector<ExpertLoad> loads);

/// Tokens that each expert-parallel group routes per micro-batch and tensor rank (the loads' `tokens`).
double routed_tokens_per_group(const workloads::RunSpec& run);

/// The routing structure of an expert-parallel group when the model limits routing (hierarchical gating,
/// expert groups, device- or node-limited routing), or nothing: members are the group's data ranks at
/// tensor rank 0 of the first stage, `devices_per_node` consecutive devices share a node.
std::optional<RoutingStructure> routing_structure(const workloads::RunSpec& run, int devices_per_node);

/// The expert-parallel member (0..expert-1) that simulated device `i` of a stage plays: every member up to
/// one per expert; with experts sharded over several members, the first member of each expert's shards.
int simulated_member(const workloads::RunSpec& run, int i);

/// Received token copies of real device `member` (0..expert-1) of an expert-parallel group under `load`.
double received_copies(const workloads::RunSpec& run, const ExpertLoad& load, int member);

}  // namespace moesim::sim
