// moesim — the largest inputs moesim accepts. Each bound sits well above every real model and cluster
// (and the shipped scenarios) and below the size where a step would overflow an integer, run out of
// memory or take more than about a minute on a 2-core machine. Inputs past a bound are rejected at parse
// time with a ConfigError naming the key, never half-simulated.
#pragma once

#include <cstdint>

namespace moesim::limits {

/// Largest whole number any scenario key may hold (exactly representable as a double, far from int64).
inline constexpr std::int64_t kMaxWholeNumber = 1'000'000'000'000'000;  // 1e15

/// Size of a scenario file. Real scenarios are a few kB; a stray /dev/zero or a log must not be read whole.
inline constexpr std::int64_t kMaxScenarioFileBytes = 1 << 20;  // 1 MiB
/// Nesting of YAML mappings and lists (a scenario nests 4 deep) and nodes visited (aliases included).
inline constexpr int kMaxYamlDepth = 32;
inline constexpr std::int64_t kMaxYamlNodes = 100'000;

/// Accelerators of one cluster: 65,536 simulate in about a minute with the analytic backend (the design's
/// 16,384 in under ten seconds).
inline constexpr std::int64_t kMaxDevices = 65'536;
/// Expert-parallel group: its all-to-all is priced pair by pair (2,048 devices: about 10 s).
inline constexpr std::int64_t kMaxExpertGroup = 2'048;
/// Experts per MoE layer (the largest published count, PEER, is 2^20).
inline constexpr std::int64_t kMaxExperts = 1 << 20;
/// Layers per stack (encoder or decoder); the deepest published Transformers have about 1,000.
inline constexpr std::int64_t kMaxLayers = 10'000;
/// Hidden sizes (d_model, d_ff, expert_d_ff, d_head) and heads.
inline constexpr std::int64_t kMaxHiddenSize = 1 << 24;
inline constexpr std::int64_t kMaxHeads = 1 << 16;
/// Vocabulary rows and learned positions.
inline constexpr std::int64_t kMaxVocab = 1 << 26;
/// Parameters of the whole model (held as int64 by the accounting; GPT-4-class models are ~2e12).
inline constexpr double kMaxParameters = 1e15;
/// Micro-batches per step (the step graph numbers them in 16 bits).
inline constexpr std::int64_t kMaxMicroBatches = 4'096;
/// Tokens per sequence.
inline constexpr std::int64_t kMaxSequenceLength = 1 << 20;
/// Tokens per optimizer step (all devices): 2^40, 10,000 times the largest published batches.
inline constexpr double kMaxTokensPerStep = 1099511627776.0;
/// Ops of the step graph, estimated before it is built (about 1 s and 250 MB per million ops).
inline constexpr double kMaxStepOps = 8e6;
/// Device pairs of the all-to-alls, summed over the pipeline stages (pipeline x expert^2): each stage's
/// all-to-alls are priced pair by pair (measured: 1,024^2 pairs in 2-3 s, 2,048^2 in about 11 s).
inline constexpr double kMaxAllToAllPairs = 8'388'608;  // 2^23: two stages of 2,048 or eight of 1,024
/// Upper bound of the ops one layer adds per simulated device and micro-batch (forward + backward:
/// attention, norms, gating, dispatch, experts, combine and their collectives; measured at most 21).
inline constexpr double kOpsPerLayerBound = 24;

/// Dimensionless settings.
inline constexpr double kMaxCapacityFactor = 1'000;
inline constexpr double kMaxZipfExponent = 100;
/// Router logits spread by more than this make every softmax gate 0 or 1 in double precision.
inline constexpr double kMaxRouterLogitStd = 100;
inline constexpr double kMaxPue = 10;
inline constexpr double kMaxGridKgPerKwh = 100;
inline constexpr double kMaxEmbodiedKgPerAcceleratorHour = 100;
inline constexpr double kMaxUsdPerAcceleratorHour = 1e6;
inline constexpr double kMaxTotalTokens = 1e18;
inline constexpr double kMaxHistogramWeight = 1e15;

}  // namespace moesim::limits
