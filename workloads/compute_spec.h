// moesim — how the compute of a step is modelled (the `compute:` section of a scenario).
#pragma once

#include <optional>
#include <string>

#include "workloads/yaml_reader.h"

namespace moesim::workloads {

/// How attention's score, softmax and value products run.
enum class AttentionKernel {
  kUnfused,  ///< two batched GEMMs with the scores, softmax (and dropout) materialised in HBM (default)
  kFused,    ///< one FlashAttention-style kernel (Dao et al. 2022): scores never leave on-chip memory
};

/// Time multipliers per op family, to pin the model to a step the user measured (all default 1).
struct ComputeCalibration {
  double gemm = 1;          ///< dense matrix products (projections, dense FFNs, logits, router)
  double grouped_gemm = 1;  ///< the experts' grouped GEMMs
  double attention = 1;     ///< attention's score/softmax/value part (fused kernel or its unfused ops)
  double elementwise = 1;   ///< memory-bound kernels (norms, activations, dropout, residuals, permutes, ...)
};

/// The `compute:` section.
struct ComputeSpec {
  std::optional<std::string> profile;  ///< measured profile DB, as written (relative to the scenario file)
  AttentionKernel attention = AttentionKernel::kUnfused;
  /// Dropout after the attention probabilities and before each residual add: it runs kernels and keeps a
  /// 1-byte mask per element for backward. false: none (p = 0, as PyTorch returns the input unchanged).
  bool dropout = false;
  /// Tokens per group of a one-hot einsum dispatch and combine (GShard Algorithm 2; Mesh TensorFlow
  /// moe.py, default group size 1024): the permutations become matrix products against [S, E, C] one-hot
  /// tensors. Needs simulation.dispatch: padded. Absent: gather/scatter permutation kernels.
  std::optional<double> einsum_dispatch_group;
  ComputeCalibration calibration;
};

/// Parses `compute:` profile (path, optional), attention (unfused | fused, default unfused), dropout
/// (default false), einsum_dispatch_group (tokens, > 0, optional), calibration {gemm, grouped_gemm,
/// attention, elementwise} (each > 0, default 1). Unknown keys and bad values throw ConfigError naming file,
/// line and key.
ComputeSpec parse_compute_section(const YamlMap& section);

}  // namespace moesim::workloads
