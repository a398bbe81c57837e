// The memory model against the closed forms of Korthikanti et al. 2022 (arXiv 2205.05198) Table 2.
#include "sim/step/memory_model.h"

#include <gtest/gtest.h>

namespace moesim::sim {
namespace {

using workloads::Recompute;

// A dense GPT-like layer stack: h = 4096, f = 4h, a = 32 heads, s = 2048, one sequence per micro-batch.
workloads::RunSpec dense_run(int tensor, bool sp, Recompute recompute) {
  workloads::RunSpec r;
  auto& m = r.model;
  m.name = "dense";
  m.layers = 4;
  m.d_model = 4096;
  m.n_heads = 32;
  m.d_head = 128;
  m.d_ff = 4 * 4096;
  m.vocab = 0;  // no logits term, to compare with the per-layer formulas
  r.parallelism.data = 1;
  r.parallelism.tensor = tensor;
  r.parallelism.sequence_parallel = sp;
  r.training.sequence_length = 2048;
  r.training.recompute = recompute;
  r.training.precision = workloads::Precision::kBf16;
  r.compute.dropout = true;  // Table 2 counts the dropout masks
  return r;
}

double activations(const workloads::RunSpec& run) {
  MemoryLayout layout;
  layout.tokens_per_microbatch = 2048;  // b = 1
  return memory_per_device(run, workloads::ModelAccounting{}, layout).activations_bytes;
}

constexpr double s = 2048, h = 4096, a = 32, b = 1, L = 4;
constexpr double sbh = s * b * h;

// Beside the layers, one stage holds the embedding dropout mask (sbh bytes, split over the tensor ranks
// with sequence parallelism, as Megatron-Core scatters the embeddings before the dropout; none without
// dropout) and the logits with their input, 4sbh(1 + V/h)/t (Megatron), here with V = 0.
double layers_only(const workloads::RunSpec& run) {
  const double t = static_cast<double>(run.parallelism.tensor);
  const double mask = run.compute.dropout ? sbh / (run.parallelism.sequence_parallel ? t : 1.0) : 0.0;
  return activations(run) - mask - 4 * sbh / t;
}

// Every layer an MoE layer of 8 experts (f_e = 4h, top-2) with 1,000 received token copies.
workloads::RunSpec with_experts(workloads::RunSpec run) {
  run.model.experts = 8;
  run.model.expert_d_ff = 4 * 4096;
  run.model.moe_every = 1;
  run.model.top_k = 2;
  return run;
}

MemoryLayout moe_layout(double copies) {
  MemoryLayout layout;
  layout.tokens_per_microbatch = 2048;
  layout.expert_copies_per_microbatch = copies;
  return layout;
}

TEST(MemoryModel, ActivationsFollowKorthikantiTableTwo) {
  EXPECT_NEAR(layers_only(dense_run(1, false, Recompute::kNone)), L * sbh * (34 + 5 * a * s / h), 1.0);
  const double t = 8;
  EXPECT_NEAR(layers_only(dense_run(8, false, Recompute::kNone)),
              L * sbh * (10 + 24 / t + 5 * a * s / (h * t)), 1.0);
  EXPECT_NEAR(layers_only(dense_run(8, true, Recompute::kNone)), L * sbh * (34 + 5 * a * s / h) / t, 1.0);
  EXPECT_NEAR(layers_only(dense_run(8, false, Recompute::kSelective)), L * sbh * (10 + 24 / t), 1.0);
  EXPECT_NEAR(layers_only(dense_run(8, true, Recompute::kSelective)), L * 34 * sbh / t, 1.0);
  // Full recompute: each layer's input (2sbh) plus the activations of the one layer being recomputed.
  EXPECT_NEAR(layers_only(dense_run(1, false, Recompute::kFull)), L * 2 * sbh + sbh * (34 + 5 * a * s / h),
              1.0);
}

TEST(MemoryModel, WithoutDropoutNoMasksAndOnlyTheSoftmaxOutput) {
  // No dropout: the two sbh masks go, and the attention keeps its softmax output (2as²b) but no mask
  // (as²b) and no dropout output (2as²b); the embedding has no mask either.
  auto run = dense_run(1, false, Recompute::kNone);
  run.compute.dropout = false;
  EXPECT_NEAR(layers_only(run), L * sbh * (32 + 2 * a * s / h), 1.0);
  EXPECT_NEAR(activations(run), L * sbh * (32 + 2 * a * s / h) + 4 * sbh, 1.0);
}

TEST(MemoryModel, Fp8GemmsSaveTheirInputsInOneByte) {
  // Transformer Engine saves a GEMM's FP8 input: the attention's and the FFN's inputs (2sbh -> sbh each) and
  // the second FFN GEMM's input (8sbh -> 4sbh); the attention output, kept in 16 bits for the attention's
  // backward, gains an FP8 copy for the output projection (+sbh). 34sbh -> 29sbh.
  auto run = dense_run(1, false, Recompute::kNone);
  run.training.matmul_precision = "fp8";
  EXPECT_NEAR(layers_only(run), L * sbh * (29 + 5 * a * s / h), 1.0);
  const auto moe = with_experts(run);  // an MoE layer's FFN input is the router's too (not a TE module)
  const MemoryLayout layout = moe_layout(1000);
  const double router_logits = 4 * s * b * 8;
  const double per_copy = 3 * 4 * h + h;  // fc1 output 2 x 4h, FP8 activation 4h, FP8 dispatched input h
  const double layer = sbh * (4 + 1 + 2 + 2 + 9 + 5 * a * s / h) + 1000 * per_copy + router_logits;
  EXPECT_NEAR(memory_per_device(moe, workloads::ModelAccounting{}, layout).activations_bytes,
              L * layer + sbh + 4 * sbh, 1.0);
}

TEST(MemoryModel, FusedAttentionKeepsOnlyItsSoftmaxStatistics) {
  // FlashAttention stores no s x s scores: only an fp32 logsumexp per row and head (4asb bytes), with or
  // without tensor parallelism; the rest of the layer is Korthikanti's.
  for (int t : {1, 8}) {
    auto run = dense_run(t, false, Recompute::kNone);
    run.compute.attention = workloads::AttentionKernel::kFused;
    const double split = t;
    EXPECT_NEAR(layers_only(run), L * (sbh * (10 + 24 / split) + 4 * a * s * b / split), 1.0) << t;
  }
}

TEST(MemoryModel, AttentionStoresQKVAtTheirRealWidths) {
  // Korthikanti's 8sbh (Q, K, V, output-projection input at h each) holds for a x d_head = h; grouped-query
  // attention stores K and V of n_kv_heads heads, wider heads store more, and multi-head latent attention
  // stores every head's K (non-RoPE + RoPE) and V plus the latents its up-projections read.
  const auto base = dense_run(1, false, Recompute::kSelective);
  auto gqa = base;
  gqa.model.n_kv_heads = 8;  // K and V a quarter as wide: 8sbh -> (2 + 2 x 1/4) x 2sbh = 5sbh
  EXPECT_NEAR(layers_only(base) - layers_only(gqa), L * 3 * sbh, 1.0);
  auto wide = base;
  wide.model.d_head = 256;  // a x d_head = 2h: 8sbh -> 16sbh
  EXPECT_NEAR(layers_only(wide) - layers_only(base), L * 8 * sbh, 1.0);
  auto mla = base;
  mla.model.q_lora_rank = 1536;
  mla.model.kv_lora_rank = 512;
  mla.model.qk_rope_head_dim = 64;
  mla.model.v_head_dim = 128;  // Q and K of 32 x 192, V and output of 32 x 128, latents 1536 + 512 + 64
  const double widths = 2 * 32 * 192 + 2 * 32 * 128, latents = 1536 + 512 + 64;
  EXPECT_NEAR(layers_only(mla) - layers_only(base), L * 2 * s * b * (widths + latents - 4 * h), 1.0);
}

TEST(MemoryModel, PipelineStagesHoldTheirMicroBatchesInFlight) {
  auto run = dense_run(1, false, Recompute::kSelective);
  run.parallelism.pipeline = 4;
  run.parallelism.micro_batches = 8;
  // The first stage holds p = 4 micro-batches of its L/p = 1 layer (plus the embedding dropout mask).
  const double one_layer = sbh * 34;
  EXPECT_NEAR(activations(run), 4 * (one_layer + sbh), 1.0);
  run.parallelism.micro_batches = 2;  // fewer micro-batches than stages: only those are in flight
  EXPECT_NEAR(activations(run), 2 * (one_layer + sbh), 1.0);
}

// The MoE stack over 8 data ranks of 8 experts and 4 pipeline stages of `chunks` chunks, 16 micro-batches.
workloads::RunSpec moe_pipeline(int chunks) {
  auto run = with_experts(dense_run(1, false, Recompute::kSelective));
  run.model.layers = 4 * chunks;
  run.parallelism.data = 8;
  run.parallelism.expert = 8;
  run.parallelism.pipeline = 4;
  run.parallelism.virtual_stages = chunks;
  run.parallelism.micro_batches = 16;
  return run;
}

TEST(MemoryModel, MergedPairsWarmUpWithTwiceTheMicroBatches) {
  // With simulation.overlap.ep_comm on an MoE pipeline, stage s holds 2(p - s) micro-batches, not p - s.
  auto run = moe_pipeline(1);
  const double one_pipeline = activations(run);
  run.simulation.overlap.ep_comm = true;
  EXPECT_NEAR(activations(run) / one_pipeline, 2.0, 1e-9);
  run.parallelism.micro_batches = 6;  // fewer than 2p: all of them
  const double six = activations(run);
  run.simulation.overlap.ep_comm = false;
  EXPECT_NEAR(six / activations(run), 6.0 / 4.0, 1e-9);
}

TEST(MemoryModel, InterleavedMergedPairsWarmUpWithOneChunkMore) {
  // Interleaved (v = 2): stage 0 holds p (1 + (p - 1)/(p v)) micro-batches, and with merged pairs one
  // warm-up chunk more, 1/v of a micro-batch.
  auto run = moe_pipeline(2);
  const double plain = activations(run);
  run.simulation.overlap.ep_comm = true;
  const double merged = activations(run);
  const double in_flight = 4 * (1 + 3.0 / 8);
  EXPECT_NEAR(merged / plain, (in_flight + 0.5) / in_flight, 0.02);
  EXPECT_GT(merged, plain);
}

TEST(MemoryModel, ZeroStagesShardOptimizerGradientsAndWeights) {
  auto run = dense_run(1, false, Recompute::kNone);
  run.parallelism.data = 8;
  run.training.optimizer = workloads::Optimizer::kAdam;
  MemoryLayout layout;
  layout.dense_params_per_device = 1e9;
  layout.tokens_per_microbatch = 2048;
  auto at = [&](int zero) {
    run.parallelism.zero = zero;
    return memory_per_device(run, workloads::ModelAccounting{}, layout);
  };
  // Megatron's 18 bytes per parameter with 16-bit training: 2 weights + 4 fp32 gradients + 12 optimizer.
  EXPECT_DOUBLE_EQ(at(0).param_state_bytes(), 18e9);
  EXPECT_DOUBLE_EQ(at(1).param_state_bytes(), 6e9 + 12e9 / 8);  // Megatron's "6 + 12/d"
  EXPECT_DOUBLE_EQ(at(2).param_state_bytes(), 2e9 + 16e9 / 8);
  EXPECT_DOUBLE_EQ(at(3).param_state_bytes(), 18e9 / 8);
}

TEST(MemoryModel, MoeLayersStoreTheReceivedTokenCopies) {
  const auto run = with_experts(dense_run(1, false, Recompute::kSelective));
  const double with_1000 =
      memory_per_device(run, workloads::ModelAccounting{}, moe_layout(1000)).activations_bytes;
  const double with_2000 =
      memory_per_device(run, workloads::ModelAccounting{}, moe_layout(2000)).activations_bytes;
  // 1,000 more copies per layer, each storing 4 f_e (FC2 and activation inputs) + 2 h (permuted input).
  EXPECT_NEAR(with_2000 - with_1000, L * 1000 * (4 * 4 * h + 2 * h), 1.0);
}

workloads::RunSpec recomputing(workloads::RunSpec run,
                               std::initializer_list<workloads::RecomputeModule> modules) {
  run.training.recompute = Recompute::kSelective;
  run.training.recompute_modules = 0;
  for (auto m : modules) run.training.recompute_modules |= 1U << static_cast<unsigned>(m);
  return run;
}

using workloads::RecomputeModule;

TEST(MemoryModel, RecomputedModulesKeepOnlyWhatTheirRecomputationReads) {
  const MemoryLayout layout = moe_layout(1000);
  auto bytes = [&](const workloads::RunSpec& run) {
    return memory_per_device(run, workloads::ModelAccounting{}, layout).activations_bytes;
  };
  const auto dense = dense_run(1, false, Recompute::kNone);
  const auto core = recomputing(dense, {RecomputeModule::kCoreAttn});
  // The default module list is the attention core: Korthikanti's selective recomputation.
  EXPECT_DOUBLE_EQ(layers_only(core), layers_only(dense_run(1, false, Recompute::kSelective)));
  // mlp: a dense FFN keeps neither its input (2sbh) nor its hidden activations (16sbh).
  EXPECT_NEAR(layers_only(core) -
                  layers_only(recomputing(dense, {RecomputeModule::kCoreAttn, RecomputeModule::kMlp})),
              L * 18 * sbh, 1.0);
  // layernorm: a dense layer's norms are fused into the GEMMs after them: nothing changes; an MoE layer
  // drops its pre-FFN norm output (2sbh).
  EXPECT_DOUBLE_EQ(layers_only(recomputing(dense, {RecomputeModule::kLayernorm})),
                   layers_only(recomputing(dense, {})));
  const auto moe = with_experts(dense);
  EXPECT_NEAR(bytes(recomputing(moe, {})) - bytes(recomputing(moe, {RecomputeModule::kLayernorm})),
              L * 2 * sbh, 1.0);
  // moe_act: each copy's 16-bit activation output (2 x 4h) goes; with FP8 GEMMs the 1-byte copy stays.
  EXPECT_NEAR(bytes(recomputing(moe, {})) - bytes(recomputing(moe, {RecomputeModule::kMoeAct})),
              L * 1000 * 2 * 4 * h, 1.0);
  auto fp8 = moe;
  fp8.training.matmul_precision = "fp8";
  EXPECT_DOUBLE_EQ(bytes(recomputing(fp8, {})), bytes(recomputing(fp8, {RecomputeModule::kMoeAct})));
  // moe: the layer keeps only its input: no copies, no router logits.
  const double copies = 1000 * (4 * 4 * h + 2 * h), logits = 4 * s * b * 8;
  EXPECT_NEAR(bytes(recomputing(moe, {})) - bytes(recomputing(moe, {RecomputeModule::kMoe})),
              L * (copies + logits), 1.0);
  // mla_up_proj: the heads' Q, K (32 x 192 each) and V (32 x 128) go, the output projection's input stays.
  auto mla = dense;
  mla.model.q_lora_rank = 1536;
  mla.model.kv_lora_rank = 512;
  mla.model.qk_rope_head_dim = 64;
  mla.model.v_head_dim = 128;
  EXPECT_NEAR(
      layers_only(recomputing(mla, {})) - layers_only(recomputing(mla, {RecomputeModule::kMlaUpProj})),
      L * 2 * s * b * (2 * 32 * 192 + 32 * 128), 1.0);
  // layernorm with MLA: the input norm is a module of its own (two down-projections read it).
  EXPECT_NEAR(
      layers_only(recomputing(mla, {})) - layers_only(recomputing(mla, {RecomputeModule::kLayernorm})),
      L * 2 * sbh, 1.0);
}

// ZeRO-3 gathers a layer's sharded weights before computing it (two layers' worth: the current one and the
// prefetched one). Experts with one replica (expert degree = data) are not sharded and not gathered.
TEST(MemoryModel, ZeroThreeGathersOnlyShardedLayers) {
  auto run = dense_run(1, false, Recompute::kNone);
  run.model.experts = 8;
  run.parallelism.data = 8;
  run.parallelism.zero = 3;
  run.training.optimizer = workloads::Optimizer::kAdafactor;  // 4-byte weights
  workloads::ModelAccounting accounting;
  workloads::LayerCost attention, experts;
  attention.kind = workloads::LayerKind::kAttention;
  attention.params = 1000000;
  experts.kind = workloads::LayerKind::kMoeFfn;
  experts.params = 64000000;
  accounting.layers = {attention, experts};
  MemoryLayout layout;
  layout.tokens_per_microbatch = 2048;
  auto gathered = [&](int expert_degree) {
    run.parallelism.expert = expert_degree;
    auto no_zero = run;
    no_zero.parallelism.zero = 0;
    return memory_per_device(run, accounting, layout).buffers_bytes -
           memory_per_device(no_zero, accounting, layout).buffers_bytes;
  };
  EXPECT_DOUBLE_EQ(gathered(4), 2 * 64e6 / 4 * 4);  // 2 replicas of each expert: sharded, gathered
  EXPECT_DOUBLE_EQ(gathered(8), 2 * 1e6 * 4);       // one replica: only the attention is gathered
}

}  // namespace
}  // namespace moesim::sim
