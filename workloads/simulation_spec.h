// moesim — how the step is simulated (the `simulation:` section of a scenario).
#pragma once

#include <cstdint>
#include <vector>

namespace moesim::workloads {

/// Network model used by the step simulation (see the design notes: analytic for thousands of devices,
/// SimGrid parallel tasks or per-flow where they can run).
enum class Backend { kAnalytic, kPtask, kFlow };

/// How tokens spread over experts in the simulated step.
enum class RoutingDistribution {
  kUniform,    ///< every expert gets tokens/E (perfect balance)
  kZipf,       ///< expert of rank r gets a share ∝ r^-zipf_s
  kHistogram,  ///< shares given explicitly, one weight per expert
};

/// How the router spreads tokens over the experts (`simulation.routing`).
struct RoutingSpec {
  RoutingDistribution distribution = RoutingDistribution::kUniform;  ///< default uniform
  double zipf_s = 0;              ///< Zipf exponent (> 0), only with distribution zipf
  std::vector<double> histogram;  ///< relative weights (>= 0, not all 0), one per expert, only with histogram
  std::uint64_t seed = 1;         ///< random seed for sampled routings (default 1)
  /// Standard deviation of one token's router logits across the experts (dimensionless). It sets how
  /// far the second gate trails the first, which GShard's random second expert follows (gating: top2).
  /// Default 1: a LayerNorm'd input (unit variance per component) through a router initialised with
  /// fan-in variance scaling (variance 1/d_model per weight) gives logits of variance d_model/d_model = 1;
  /// a trained router is usually more confident (larger spread): give its measured value.
  double logit_std = 1.0;
};

/// Which communication overlaps compute (`simulation.overlap`), as the frameworks' switches say.
struct OverlapSpec {
  /// Data-parallel gradient reductions run on their own stream while backward goes on (PyTorch DDP and
  /// Megatron-LM `--overlap-grad-reduce`; DeepSpeed `overlap_comm`). false: each reduction blocks compute.
  bool grad_reduce = true;
  /// Tensor-parallel collectives pipelined with the GEMM that produces them (Megatron-LM / Transformer
  /// Engine `--tp-comm-overlap`, chunked userbuffers): the collective may start with that GEMM instead of
  /// after it. false (the default, and what NCCL does without it): compute waits for the collective.
  bool tp_comm = false;
  /// ZeRO stages 1 and 2: the all-gather of the updated weights after the optimizer step runs layer by layer
  /// under the next step's forward (Megatron-LM `--overlap-param-gather`). false: it ends the step, exposed.
  bool param_gather = false;
  /// MoE all-to-alls hidden behind another micro-batch's compute: a forward and a backward of different
  /// micro-batches run as one merged step, layer by layer, each one's dispatch and combine under the
  /// other's attention and experts (Megatron-Core `--overlap-moe-expert-parallel-comm`, "combined 1F1B";
  /// DeepSeek-V3 §3.2.1, DualPipe's overlapped chunk pairs). false: each micro-batch's all-to-alls are on
  /// its own critical path.
  bool ep_comm = false;
};
/// `simulation.all_to_all`: how the MoE all-to-alls run (sim/collectives: auto = the fastest predicted).
enum class AllToAllAlgorithm { kAuto, kDirect, kPairwise, kHierarchical };

/// How the step is simulated: network backend, routing, traced devices, dispatch (`simulation:`).
struct SimulationSpec {
  Backend backend = Backend::kAnalytic;  ///< default analytic
  RoutingSpec routing;                   ///< default: uniform routing
  std::vector<std::int64_t>
      trace_devices;  ///< device indices whose timeline goes into --trace (default none)
  /// `dispatch: padded`: every expert gets a buffer of exactly its capacity, sent in full by the all-to-alls
  /// and computed in full by the expert FFN, as the einsum dispatch of GShard / Mesh TensorFlow (Switch) on
  /// TPUs does (Lepikhin et al. 2020 §2.2; Fedus et al. 2021 §2.2). Default `dropless`: only accepted token
  /// copies are sent and computed (Tutel / MegaBlocks style).
  bool padded_dispatch = false;
  OverlapSpec overlap;  ///< default: gradient reductions overlap backward, TP collectives do not overlap
  /// Gradients are reduced in buckets of this many bytes, each as soon as its last gradient is ready
  /// (PyTorch DDP `bucket_cap_mb`, default 25 MB; Megatron-LM's DDP buckets likewise). The last bucket of a
  /// stage is flushed whatever its size.
  double grad_bucket_bytes = 25e6;
  AllToAllAlgorithm all_to_all = AllToAllAlgorithm::kAuto;  ///< default auto
  /// `token_dispatcher: deepep`: the dispatch sends a token once per destination GPU and crosses the
  /// network once per destination node, to the GPU on its own rail, which forwards it over NVLink to the
  /// node's other chosen GPUs (DeepEP's normal kernels, deepseek-ai/DeepEP; Megatron-Core's flex dispatcher
  /// with DeepEP or HybridEP). Default `alltoall`: one transfer per token copy (Megatron-Core's alltoall
  /// dispatcher, an NCCL all-to-all of the permuted copies). model.node_limit dispatches this way too.
  bool node_forwarding_dispatch = false;
};

}  // namespace moesim::workloads
