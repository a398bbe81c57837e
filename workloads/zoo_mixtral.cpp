// Mixtral, DBRX and OLMoE presets: decoder-only Transformers with grouped-query attention and a gated
// (SwiGLU) MoE in every layer.
//
// Sources:
//  [MX1]  Jiang et al., "Mixtral of Experts", arXiv 2401.04088, Table 1 (Mixtral 8x7B): dim 4096, 32 layers,
//         head_dim 128, hidden_dim 14336, 32 heads, 8 KV heads, vocab 32000, 8 experts, top-2; §2.1: 47B
//         parameters, 13B active ("46.7B total / 12.9B active", mistral.ai/news/mixtral-of-experts).
//  [MX22] Hugging Face mistralai/Mixtral-8x22B-v0.1 config.json: hidden_size 6144, intermediate_size 16384,
//         56 layers, 48 heads, 8 KV heads, 8 local experts, 2 per token, vocab 32000, untied embeddings;
//         141B total / 39B active (mistral.ai/news/mixtral-8x22b).
//  [DBRX] databricks/dbrx model/config.json: d_model 6144, 40 layers, 48 heads, kv_n_heads 8,
//         ffn_hidden_size 10752, 16 experts, top-4, vocab 100352, tie_word_embeddings false; README: "132B
//         total parameters and 36B live parameters".
//  [OLMO] Muennighoff et al., "OLMoE: Open Mixture-of-Experts Language Models", arXiv 2409.02060, Table 1:
//         1.3B active / 6.9B total, 16 layers, d_model 2048, 16 heads, 64 experts of 1024, 8 active; vocab
//         50304 (allenai/OLMoE-1B-7B-0924 config.json), untied.
// Experts are SwiGLU (3 matrices) in all four (Mixtral §2.1: "the SwiGLU architecture"; DBRX and OLMoE
// configs: GLU experts). The routers are softmax top-k. No capacity limit (capacity_factor 0): DBRX and
// OLMoE train dropless with MegaBlocks (OLMoE §2; the DBRX announcement), and Mixtral's released
// implementation routes every token (its training capacity is not published).
#include "workloads/zoo_families.h"

namespace moesim::workloads::zoo {
namespace {

struct Shape {
  const char* name;
  ModelFamily family;
  const char* source;
  std::int64_t layers, d_model, heads, kv_heads, d_head, expert_d_ff, experts, top_k, vocab;
};

ModelSpec gqa_moe(const Shape& s) {
  ModelSpec m;
  m.name = s.name;
  m.family = s.family;
  m.source = s.source;
  m.layers = s.layers;
  m.d_model = s.d_model;
  m.n_heads = s.heads;
  m.n_kv_heads = s.kv_heads;
  m.d_head = s.d_head;
  m.vocab = s.vocab;
  m.tied_embeddings = false;
  m.experts = s.experts;
  m.expert_d_ff = s.expert_d_ff;
  m.expert_gated = true;
  m.moe_every = 1;
  m.top_k = s.top_k;
  m.gating = GatingKind::kTopK;  // plain top-k, both experts always kept (Jiang et al. 2024 §2.1)
  m.router = RouterScore::kSoftmax;
  m.capacity_factor = 0;  // no capacity: every routed token is computed
  m.eval_capacity_factor = 0;
  return m;
}

}  // namespace

std::vector<ModelSpec> mixtral_presets() {
  //           name            family                source                                           L   d H
  //           KV dh  f      E   k  vocab
  return {gqa_moe({"mixtral-8x7b", ModelFamily::kMixtral, "Jiang et al. 2024 (Mixtral) Table 1; 46.7B/12.9B",
                   32, 4096, 32, 8, 128, 14336, 8, 2, 32000}),  // [MX1]
          gqa_moe({"mixtral-8x22b", ModelFamily::kMixtral,
                   "mistralai/Mixtral-8x22B-v0.1 config.json; 141B/39B (Mistral AI)", 56, 6144, 48, 8, 128,
                   16384, 8, 2, 32000}),  // [MX22]
          gqa_moe({"dbrx", ModelFamily::kDbrx, "databricks/dbrx model/config.json and README; 132B/36B", 40,
                   6144, 48, 8, 128, 10752, 16, 4, 100352}),  // [DBRX] d_head = 6144 / 48
          gqa_moe({"olmoe-1b-7b", ModelFamily::kOlmoe, "Muennighoff et al. 2024 (OLMoE) Table 1; 6.9B/1.3B",
                   16, 2048, 16, 16, 128, 1024, 64, 8, 50304})};  // [OLMO] full multi-head attention
}

}  // namespace moesim::workloads::zoo
