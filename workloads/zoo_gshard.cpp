// GShard MoE Transformer presets (the machine-translation models of Table 1).
//
// Sources:
//  [T1]  Lepikhin et al., "GShard", arXiv 2006.16668 (ICLR 2021), Table 1: experts per layer, layers L
//        (encoder + decoder), weights (600B, 200B, 150B, 50B, 37B, 12.5B; 1T for the unstable 60-layer
//        model).
//  [A2]  Same paper §4.3 and App. A.2: d_model 1024, FFN and expert hidden 8192, 16 heads of key/value size
//  128,
//        MoE in every other layer, top-2 gating with the random second expert, one expert per TPU core,
//        vocab 64K source / 32K target.
//  [S22] Same paper §2.2: expert capacity 2N/(G·E) per group = top_k (2) × capacity factor 1.0 × tokens / E.
// L is split evenly: 36L = 18 encoder + 18 decoder layers, so 18 MoE layers (18 × 2048 × 2 × 1024 × 8192 =
// 618.5B expert weights; Patterson et al. 2021 Table 4 lists 619B).
// One vocabulary field: we use the 64K source vocabulary, tied (the 32K target table is ~33M parameters, <
// 0.01%).
#include "workloads/zoo_families.h"

namespace moesim::workloads::zoo {
namespace {

ModelSpec gshard(std::string name, std::int64_t experts, std::int64_t total_layers) {
  ModelSpec m;
  m.name = std::move(name);
  m.family = ModelFamily::kGshard;
  m.source = "Lepikhin et al. 2020 (GShard) Table 1 and App. A.2";
  m.encoder_decoder = true;
  m.encoder_layers = total_layers / 2;  // [T1] L counts encoder + decoder layers
  m.decoder_layers = total_layers / 2;
  m.d_model = 1024;  // [A2]
  m.n_heads = 16;    // [A2]
  m.d_head = 128;    // [A2] key/value dimension 128
  m.d_ff = 8192;     // [A2]
  m.ffn_gated = false;
  m.vocab = 64000;  // [A2] 64K source vocabulary (see file comment)
  m.tied_embeddings = true;
  m.experts = experts;
  m.expert_d_ff = 8192;  // [A2]
  m.expert_gated = false;
  m.moe_every = 2;  // [A2] every other layer
  m.top_k = 2;      // [A2]
  m.gating = GatingKind::kTop2;
  m.capacity_factor = 1.0;       // [S22] 2N/(G·E) = k × 1.0 × N/(G·E)
  m.eval_capacity_factor = 1.0;  // [S22] same formula; no separate eval value published
  return m;
}

}  // namespace

std::vector<ModelSpec> gshard_presets() {
  return {
      gshard("gshard-600b", 2048, 36),  // [T1] (1) MoE(2048E, 36L), 600B
      gshard("gshard-200b", 2048, 12),  // [T1] (2) MoE(2048E, 12L), 200B
      gshard("gshard-150b", 512, 36),   // [T1] (3) MoE(512E, 36L), 150B
      gshard("gshard-50b", 512, 12),    // [T1] (4) MoE(512E, 12L), 50B
      gshard("gshard-37b", 128, 36),    // [T1] (5) MoE(128E, 36L), 37B
      gshard("gshard-12.5b", 128, 12),  // [T1] (6) MoE(128E, 12L), 12.5B
      gshard("gshard-1t", 2048, 60),    // [T1] MoE(2048E, 60L), 1T (trained in bf16, unstable, not reported)
  };
}

}  // namespace moesim::workloads::zoo
