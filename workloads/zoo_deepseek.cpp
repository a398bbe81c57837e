// DeepSeek-V2 and DeepSeek-V3 presets: multi-head latent attention, fine-grained routed experts with
// shared experts, dense first layers, group- (device- / node-) limited routing; V3 adds the sigmoid router
// with the auxiliary-loss-free bias and one multi-token-prediction module.
//
// Sources (deepseek-ai/DeepSeek-V3, inference/configs/config_236B.json and config_671B.json; the papers):
//  [V2C] config_236B.json: dim 5120, inter_dim 12288, moe_inter_dim 1536, 60 layers, 1 dense layer, 128
//  heads,
//        160 routed + 2 shared experts, 6 activated, 8 groups / 3 limited, q_lora 1536, kv_lora 512,
//        qk_nope 128, qk_rope 64, v 128, vocab 102400; softmax scores (model.py default).
//  [V2P] DeepSeek-AI, "DeepSeek-V2", arXiv 2405.04434: 236B total, 21B activated per token; §2.1.3
//        device-limited routing, M = 3 devices; untied embeddings.
//  [V3C] config_671B.json: dim 7168, inter_dim 18432, moe_inter_dim 2048, 61 layers, 3 dense layers, 128
//        heads, 256 routed + 1 shared experts, 8 activated, 8 groups / 4 limited, score_func sigmoid,
//        q_lora 1536, kv_lora 512, qk_nope 128, qk_rope 64, v 128, vocab 129280.
//  [V3P] DeepSeek-AI, "DeepSeek-V3 Technical Report", arXiv 2412.19437: 671B total, 37B activated; §2.1.2
//        auxiliary-loss-free load balancing (bias), node-limited routing M = 4 nodes; §2.2 MTP depth D = 1.
//  [V3W] README_WEIGHTS.md: main model 671B total / 36.7B activated (0.9B embedding + 0.9B output head);
//        1 MTP module of 11.5B unique parameters.
// Experts (routed and shared) are SwiGLU (3 matrices, model.py Expert). V3 trains dropless (§2.1.2: "does not
// drop any tokens during training"): no capacity limit; V2 dropped tokens at a device-level capacity factor
// of 1.0 (§2.2.3), taken here per expert.
#include "workloads/zoo_families.h"

namespace moesim::workloads::zoo {
namespace {

ModelSpec deepseek_base() {
  ModelSpec m;
  m.family = ModelFamily::kDeepseek;
  m.n_heads = 128;          // [V2C][V3C]
  m.d_head = 128;           // qk_nope_head_dim
  m.q_lora_rank = 1536;     // [V2C][V3C]
  m.kv_lora_rank = 512;     // [V2C][V3C]
  m.qk_rope_head_dim = 64;  // [V2C][V3C]
  m.v_head_dim = 128;       // [V2C][V3C]
  m.ffn_gated = true;       // SwiGLU MLP in the dense layers (model.py MLP)
  m.tied_embeddings = false;
  m.expert_gated = true;
  m.moe_every = 1;
  m.gating = GatingKind::kTopK;
  m.expert_groups = 8;      // n_expert_groups [V2C][V3C]
  m.capacity_factor = 1.0;  // V2; V3 below has none
  m.eval_capacity_factor = 1.0;
  return m;
}

}  // namespace

std::vector<ModelSpec> deepseek_presets() {
  ModelSpec v2 = deepseek_base();
  v2.name = "deepseek-v2";
  v2.source = "DeepSeek-V3 repo inference/configs/config_236B.json; DeepSeek-V2 paper: 236B/21B";
  v2.layers = 60;             // [V2C]
  v2.d_model = 5120;          // [V2C]
  v2.d_ff = 12288;            // [V2C] inter_dim
  v2.vocab = 102400;          // [V2C]
  v2.first_dense_layers = 1;  // [V2C] n_dense_layers
  v2.experts = 160;           // [V2C]
  v2.shared_experts = 2;      // [V2C]
  v2.expert_d_ff = 1536;      // [V2C] moe_inter_dim
  v2.top_k = 6;               // [V2C]
  v2.group_top_k = 3;         // [V2C] n_limited_groups
  v2.device_limit = 3;        // [V2P] §2.1.3, M = 3
  v2.router = RouterScore::kSoftmax;

  ModelSpec v3 = deepseek_base();
  v3.name = "deepseek-v3";
  v3.source = "DeepSeek-V3 repo inference/configs/config_671B.json and README_WEIGHTS.md; 671B/37B";
  v3.layers = 61;                     // [V3C]
  v3.d_model = 7168;                  // [V3C]
  v3.d_ff = 18432;                    // [V3C]
  v3.vocab = 129280;                  // [V3C]
  v3.first_dense_layers = 3;          // [V3C]
  v3.experts = 256;                   // [V3C]
  v3.shared_experts = 1;              // [V3C]
  v3.expert_d_ff = 2048;              // [V3C]
  v3.top_k = 8;                       // [V3C]
  v3.group_top_k = 4;                 // [V3C] n_limited_groups
  v3.node_limit = 4;                  // [V3P] §2.1.2, M = 4
  v3.router = RouterScore::kSigmoid;  // [V3C] score_func
  v3.router_bias = true;              // [V3P] §2.1.2
  v3.mtp_modules = 1;                 // [V3P] §2.2, [V3W]
  v3.capacity_factor = 0;             // [V3P] §2.1.2: no token dropping
  v3.eval_capacity_factor = 0;
  return {v2, v3};
}

}  // namespace moesim::workloads::zoo
