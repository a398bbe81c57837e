// moesim kernels — configuration and result of the MoE router (gating), shared by the CUDA kernels and the
// CPU references.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace moesim::kernels {

/// How each token picks its experts.
enum class GatingPolicy {
  kTop1Switch,  ///< Switch Transformer (Fedus et al., JMLR 2022): softmax, arg-max, gate = p_max.
  kTop2GShard,  ///< GShard (Lepikhin et al., ICLR 2021, Alg. 1): top-2 renormalised; the second expert is
                ///< kept only when 2·g2 > u, u ~ U[0,1) (random routing).
  kTopK,        ///< softmax over all experts, top-k, renormalised over the k (Mixtral-style).
  kNoisyTopK,   ///< Shazeer et al. (ICLR 2017): H = logits + N(0,1)·noise_std, keep top-k of H, softmax
                ///< over the kept k. The learned Softplus(x·W_noise) std is replaced by a constant.
};

/// Largest k and expert count the kernels support (one warp holds a token's experts in registers).
inline constexpr int kMaxTopK = 8;
inline constexpr int kMaxExperts = 256;

/// Router settings. capacity_factor <= 0 means no capacity limit (dropless).
struct GatingConfig {
  int tokens = 0;
  int experts = 0;
  int k = 1;
  GatingPolicy policy = GatingPolicy::kTop1Switch;
  double capacity_factor = 1.25;
  float noise_std = 1.0f;  ///< kNoisyTopK only
  uint64_t seed = 1;       ///< noise and GShard's random routing
};

/// Expert capacity: ceil(capacity_factor · tokens · k / experts) (Switch eq. 3, GShard), or tokens·k when
/// capacity_factor <= 0. Throws std::invalid_argument for inconsistent sizes.
int expert_capacity(const GatingConfig& cfg);

/// Checks sizes against kMaxTopK/kMaxExperts and the policy (k == 1 for top-1, k == 2 for GShard).
void validate_gating_config(const GatingConfig& cfg);

/// Tokens handled by one block of the gating kernel; positions are counted per such block.
inline constexpr int kGatingBlockTokens = 32;

/// The routing of one batch, on the host. Slot (t, j) is token t's j-th choice, j < k; flat index t·k + j.
/// A token's copies are placed expert by expert; inside an expert all first choices come before all
/// second choices (GShard's priority), and tokens keep their order; copies past capacity are dropped.
struct Routing {
  int tokens = 0, experts = 0, k = 0, capacity = 0;
  std::vector<int32_t> expert;     ///< [T·k] chosen expert, -1 if the slot routes nowhere (GShard)
  std::vector<float> gate;         ///< [T·k] combine weight
  std::vector<int32_t> dest_row;   ///< [T·k] row in the dispatched buffer, -1 if dropped or unrouted
  std::vector<int32_t> requested;  ///< [E] copies routed to each expert before capacity
  std::vector<int32_t> kept;       ///< [E] min(requested, capacity)
  std::vector<int32_t> offset;     ///< [E+1] first dispatched row of each expert (exclusive scan of kept)
  float aux_loss = 0.0f;           ///< Switch load-balancing loss E·Σ_e f_e·P_e (Fedus et al. eq. 4)
  int total_kept() const { return offset.empty() ? 0 : offset.back(); }
};

}  // namespace moesim::kernels
