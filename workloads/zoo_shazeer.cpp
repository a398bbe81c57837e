// Shazeer et al. 2017 ("Outrageously Large Neural Networks", arXiv 1701.06538, ICLR 2017): LSTM language
// models with a sparsely-gated MoE between two LSTM layers.
//
// Sources (the paper's appendices):
//  [C1]  App. C.1 (1B-word benchmark, 8M ops/timestep): embedding, LSTM, MoE, LSTM, softmax; embedding,
//        LSTM cells and MoE input/output all 512; residual connections; experts 512 -> 1024 (ReLU) -> 512
//        (2 matrices, 1M parameters); flat MoE with k = 4 (MoE-4/32/256), hierarchical MoE with k = 2 at
//        each level and first-level branching factor 16 (MoE-256-h/1024-h/4096-h).
//  [C2]  App. C.2: MoE-34M and MoE-143M: embedding and MoE input/output 1024; MoE-34M LSTM 1024 cells,
//        1024 experts of hidden 2048; MoE-143M LSTM 4096 cells with a 1024 projection (Sak et al. 2014),
//        256 experts of hidden 8192; both hierarchical. Trained on 32 K40s (Table 1).
//  [D]   App. D (100B-word Google News corpus): same structure as [C1]; flat MoE-32 and hierarchical MoE with
//        first-level branching factors 32, 32, 64, 128, 256, 256 for 256, 1024, 4096, 16384, 65536, 131072
//        experts; baseline 4xLSTM-512 (two more LSTM layers instead of the MoE, [C1]).
//  [S2]  §2.1 eq. 3-4: noisy top-k gating has a gate matrix and a noise matrix (both counted: Table 7/8's
//        ops/timestep are reproduced with them, e.g. 8.9M for lm1b MoE-4096-h, 9.7M for MoE-131072-h).
//  [S5]  §5.1: vocabulary 793,471 words; softmax trained by importance sampling "similarly to" Jozefowicz
//        et al. 2016, who drew 8192 samples per step shared by the batch (Jozefowicz et al. §4, "(2560 x
//        1024) times (1024 x (8192+1))"). The 100B-word corpus's vocabulary is not given: 793,471 is assumed.
// The branching factor of [C2]'s models is not stated; "corresponding to the number of GPUs in our
// cluster" [C1] gives 32 for their 32-GPU runs (16 and 32 give the same parameter and op counts to 0.1M).
// No capacity limit: every routed token reaches its experts (capacity_factor 0).
#include "workloads/zoo_families.h"

namespace moesim::workloads::zoo {
namespace {

constexpr std::int64_t kVocab = 793471;  // [S5]
constexpr std::int64_t kSamples = 8192;  // [S5] Jozefowicz et al. 2016

struct Lstm {
  const char* name;
  const char* source;
  std::int64_t d_model, units, projection, lstm_layers;
  std::int64_t experts, expert_d_ff, branching;  // experts 0: no MoE; branching 0: flat MoE
};

ModelSpec lstm_moe(const Lstm& s) {
  ModelSpec m;
  m.name = s.name;
  m.family = ModelFamily::kShazeer;
  m.source = s.source;
  m.block = LayerBlock::kLstm;
  m.layers = s.lstm_layers;
  m.d_model = s.d_model;
  m.lstm_units = s.units;
  m.lstm_projection = s.projection;
  m.vocab = kVocab;
  m.tied_embeddings = false;  // Table 7: 0.8B total for the 8M-op models = two 793,471 x 512 matrices
  m.softmax_samples = kSamples;
  if (s.experts == 0) return m;
  m.experts = s.experts;
  m.expert_d_ff = s.expert_d_ff;
  m.expert_gated = false;
  m.moe_layers = {0};  // between the first and the second LSTM layer
  m.top_k = 4;  // [C1] k = 4 flat, 2 x 2 hierarchical: "each example is processed by exactly 4 experts"
  m.gating = GatingKind::kNoisyTopK;
  if (s.branching > 0) {
    m.expert_groups = s.branching;
    m.group_top_k = 2;
    m.hierarchical_gating = true;
  }
  m.capacity_factor = 0;  // no capacity: every routed token is computed
  return m;
}

}  // namespace

std::vector<ModelSpec> shazeer_presets() {
  const char* t7 = "Shazeer et al. 2017 App. C.1, Table 7 (1B-word benchmark)";
  const char* t1 = "Shazeer et al. 2017 App. C.2, Tables 1 and 7 (1B-word benchmark)";
  const char* t8 = "Shazeer et al. 2017 App. D, Table 8 (100B-word Google News)";
  const std::vector<Lstm> rows = {
      //  name                          source d    cells proj LSTMs experts d_ff  branching
      {"shazeer-lm1b-moe-32", t7, 512, 512, 0, 2, 32, 1024, 0},
      {"shazeer-lm1b-moe-256", t7, 512, 512, 0, 2, 256, 1024, 0},
      {"shazeer-lm1b-moe-256-h", t7, 512, 512, 0, 2, 256, 1024, 16},
      {"shazeer-lm1b-moe-1024-h", t7, 512, 512, 0, 2, 1024, 1024, 16},
      {"shazeer-lm1b-moe-4096-h", t7, 512, 512, 0, 2, 4096, 1024, 16},
      {"shazeer-lm1b-moe-34m", t1, 1024, 1024, 0, 2, 1024, 2048, 32},
      {"shazeer-lm1b-moe-143m", t1, 1024, 4096, 1024, 2, 256, 8192, 32},
      {"shazeer-news-4xlstm-512", t8, 512, 512, 0, 4, 0, 0, 0},
      {"shazeer-news-moe-32", t8, 512, 512, 0, 2, 32, 1024, 0},
      {"shazeer-news-moe-256-h", t8, 512, 512, 0, 2, 256, 1024, 32},
      {"shazeer-news-moe-1024-h", t8, 512, 512, 0, 2, 1024, 1024, 32},
      {"shazeer-news-moe-4096-h", t8, 512, 512, 0, 2, 4096, 1024, 64},
      {"shazeer-news-moe-16384-h", t8, 512, 512, 0, 2, 16384, 1024, 128},
      {"shazeer-news-moe-65536-h", t8, 512, 512, 0, 2, 65536, 1024, 256},
      {"shazeer-news-moe-131072-h", t8, 512, 512, 0, 2, 131072, 1024, 256},
  };
  std::vector<ModelSpec> out;
  for (const auto& r : rows) out.push_back(lstm_moe(r));
  return out;
}

}  // namespace moesim::workloads::zoo
