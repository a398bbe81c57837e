// Qwen3 MoE presets: grouped-query attention (4 KV heads) and 128 fine-grained SwiGLU experts, 8 per token,
// in every layer, no shared experts.
//
// Sources:
//  [Q3R] Qwen Team, "Qwen3 Technical Report", arXiv 2505.09388 (QwenLM/Qwen3 Qwen3_Technical_Report.pdf),
//        Table 2: Qwen3-30B-A3B 48 layers, 32 / 4 Q/KV heads, 128 experts, 8 activated; Qwen3-235B-A22B 94
//        layers, 64 / 4 heads, 128 / 8 experts; no shared experts; untied embeddings for both.
//  [Q3C] Hugging Face Qwen/Qwen3-30B-A3B and Qwen/Qwen3-235B-A22B config.json: hidden_size 2048 / 4096,
//        head_dim 128, moe_intermediate_size 768 / 1536, vocab_size 151936, tie_word_embeddings false,
//        decoder_sparse_step 1, mlp_only_layers [], norm_topk_prob true (softmax router).
// No capacity limit (capacity_factor 0): Qwen3's released MoE block routes every token, with global-batch
// load balancing in training (its training capacity is not published).
#include "workloads/zoo_families.h"

namespace moesim::workloads::zoo {
namespace {

ModelSpec qwen3(std::string name, std::int64_t layers, std::int64_t d_model, std::int64_t heads,
                std::int64_t expert_d_ff, std::string source) {
  ModelSpec m;
  m.name = std::move(name);
  m.family = ModelFamily::kQwen;
  m.source = std::move(source);
  m.layers = layers;
  m.d_model = d_model;
  m.n_heads = heads;
  m.n_kv_heads = 4;  // [Q3R]
  m.d_head = 128;    // [Q3C] head_dim
  m.vocab = 151936;  // [Q3C]
  m.tied_embeddings = false;
  m.experts = 128;  // [Q3R]
  m.expert_d_ff = expert_d_ff;
  m.expert_gated = true;
  m.moe_every = 1;  // [Q3C] decoder_sparse_step 1
  m.top_k = 8;      // [Q3R]
  m.gating = GatingKind::kTopK;
  m.router = RouterScore::kSoftmax;
  m.capacity_factor = 0;  // no capacity: every routed token is computed
  m.eval_capacity_factor = 0;
  return m;
}

}  // namespace

std::vector<ModelSpec> qwen_presets() {
  return {
      qwen3("qwen3-30b-a3b", 48, 2048, 32, 768, "Qwen3 Technical Report Table 2; HF config.json; 30.5B/3.3B"),
      qwen3("qwen3-235b-a22b", 94, 4096, 64, 1536,
            "Qwen3 Technical Report Table 2; HF config.json; 235B/22B")};
}

}  // namespace moesim::workloads::zoo
