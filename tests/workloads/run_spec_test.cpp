// Scenario sections other than `cluster`: parsing, defaults and every validation error (each names its key).
#include "workloads/run_spec.h"

#include <gtest/gtest.h>

#include <functional>

#include "workloads/accounting.h"
#include "workloads/model_zoo.h"

namespace moesim::workloads {
namespace {

// A valid scenario; tests replace one line to break it. Line numbers matter (errors name them).
const std::string kBase =
    "name: t\n"                               // 1
    "model:\n"                                // 2
    "  preset: switch-base\n"                 // 3
    "cluster: {preset: dgx-h100-superpod}\n"  // 4
    "parallelism:\n"                          // 5
    "  data: 64\n"                            // 6
    "  expert: 64\n"                          // 7
    "training:\n"                             // 8
    "  global_batch_sequences: 256\n"         // 9
    "  sequence_length: 512\n"                // 10
    "  precision: bf16\n";                    // 11

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  if (pos == std::string::npos) throw std::runtime_error("test bug: no '" + from + "'");
  return text.replace(pos, from.size(), to);
}

RunSpec parse(const std::string& text, const std::string& file = "scn.yaml") {
  const YAML::Node node = YAML::Load(text);
  return parse_run_spec(YamlMap(node, file, ""));
}

/// The message of the ConfigError thrown by parsing `text` (and check_parallelism with `devices`).
std::string error_of(const std::string& text, std::int64_t devices = 64) {
  try {
    const YAML::Node node = YAML::Load(text);
    const YamlMap root(node, "scn.yaml", "");
    const RunSpec run = parse_run_spec(root);
    check_parallelism(run, devices, root);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

#define EXPECT_HAS(msg, part) EXPECT_NE((msg).find(part), std::string::npos) << (msg)

TEST(RunSpec, ParsesTheSectionsWithDefaults) {
  const RunSpec r = parse(kBase);
  EXPECT_EQ(r.name, "t");
  EXPECT_EQ(r.model.name, "switch-base");
  EXPECT_EQ(r.model.experts, 128);
  EXPECT_EQ(r.parallelism.data, 64);
  EXPECT_EQ(r.parallelism.expert, 64);
  EXPECT_EQ(r.parallelism.tensor, 1);
  EXPECT_EQ(r.parallelism.pipeline, 1);
  EXPECT_EQ(r.parallelism.micro_batches, 1);
  EXPECT_EQ(r.parallelism.expert_placement, ExpertPlacement::kContiguous);
  EXPECT_EQ(r.training.global_batch_sequences, 256);
  EXPECT_EQ(r.training.global_batch_tokens, 256 * 512);
  EXPECT_EQ(r.training.precision, Precision::kBf16);
  EXPECT_EQ(r.training.recompute, Recompute::kNone);
  EXPECT_EQ(r.training.optimizer, Optimizer::kAdam);
  EXPECT_FALSE(r.training.total_tokens.has_value());
  EXPECT_EQ(r.simulation.backend, Backend::kAnalytic);
  EXPECT_EQ(r.simulation.routing.distribution, RoutingDistribution::kUniform);
  EXPECT_FALSE(r.energy.present);
  EXPECT_FALSE(r.cost.present);
  EXPECT_EQ(r.file, "scn.yaml");
  EXPECT_EQ(error_of(kBase), "no error");
}

TEST(RunSpec, ParsesEveryOptionalSection) {
  const std::string text = replace(kBase, "name: t\n", "") +
                           "  total_tokens: 600B\n  recompute: true\n  optimizer: adafactor\n"
                           "simulation:\n  backend: ptask\n  trace_devices: [0, 63]\n"
                           "  routing: {distribution: zipf, zipf_s: 1.2, seed: 7}\n"
                           "energy:\n  pue: 1.11\n  grid_kgco2e_per_kwh: 0.088\n"
                           "  system_power_w_per_accelerator: 326 W\n  host_power_w_per_node: 1.2 kW\n"
                           "cost: {usd_per_accelerator_hour: 2.5}\n";
  const RunSpec r = parse(text, "some/dir/my-run.yaml");
  EXPECT_EQ(r.name, "my-run");  // default: the file name without directory and extension
  EXPECT_DOUBLE_EQ(*r.training.total_tokens, 600e9);
  EXPECT_EQ(r.training.recompute, Recompute::kFull);
  EXPECT_EQ(r.training.optimizer, Optimizer::kAdafactor);
  EXPECT_EQ(r.simulation.backend, Backend::kPtask);
  EXPECT_EQ(r.simulation.trace_devices, (std::vector<std::int64_t>{0, 63}));
  EXPECT_EQ(r.simulation.routing.distribution, RoutingDistribution::kZipf);
  EXPECT_DOUBLE_EQ(r.simulation.routing.zipf_s, 1.2);
  EXPECT_EQ(r.simulation.routing.seed, 7u);
  EXPECT_TRUE(r.energy.present);
  EXPECT_DOUBLE_EQ(r.energy.pue, 1.11);
  EXPECT_DOUBLE_EQ(r.energy.grid_kgco2e_per_kwh, 0.088);
  EXPECT_DOUBLE_EQ(*r.energy.system_power_w_per_accelerator, 326);
  EXPECT_DOUBLE_EQ(*r.energy.host_power_w_per_node, 1200);
  EXPECT_DOUBLE_EQ(r.cost.usd_per_accelerator_hour, 2.5);
}

TEST(RunSpec, BatchInTokensAndHistogramRouting) {
  std::string hist = "[4";
  for (int i = 1; i < 128; ++i) hist += ", 1";  // one weight per expert of switch-base
  hist += "]";
  const std::string text = replace(kBase, "global_batch_sequences: 256", "global_batch_tokens: 128k") +
                           "simulation:\n  routing:\n    distribution: histogram\n    histogram: " + hist +
                           "\n";
  const RunSpec r = parse(text);
  EXPECT_EQ(r.training.global_batch_tokens, 128000);
  EXPECT_EQ(r.training.global_batch_sequences, 250);
  EXPECT_EQ(r.simulation.routing.histogram.size(), 128u);
  EXPECT_DOUBLE_EQ(r.simulation.routing.histogram[0], 4);
}

TEST(RunSpec, PresetOverridesAndExplicitModels) {
  const RunSpec r =
      parse(replace(kBase, "  preset: switch-base\n", "  preset: switch-base\n  experts: 64\n"));
  EXPECT_EQ(r.model.experts, 64);
  EXPECT_EQ(r.model.d_model, 768);
  // GLaM 8B/64E written out field by field equals the preset.
  const std::string glam =
      "  name: my-glam\n  layers: 32\n  d_model: 4096\n  n_heads: 32\n  d_head: 128\n  d_ff: 16384\n"
      "  ffn_gated: true\n  vocab: 256000\n  tied_embeddings: true\n  experts: 64\n  expert_d_ff: 16384\n"
      "  moe_every: 2\n  top_k: 2\n  gating: top2\n  capacity_factor: 2.0\n";
  const RunSpec e = parse(replace(kBase, "  preset: switch-base\n", glam));
  EXPECT_EQ(e.model.name, "my-glam");
  EXPECT_DOUBLE_EQ(e.model.eval_capacity_factor, 2.0);  // defaults to capacity_factor
  const auto mine = account_model(e.model, {1024, 2});
  const auto preset = account_model(*find_model_preset("glam-8b-64e"), {1024, 2});
  EXPECT_EQ(mine.params_total, preset.params_total);
  EXPECT_DOUBLE_EQ(mine.flops_per_token_fwd, preset.flops_per_token_fwd);
  // A dense preset can be turned dense->MoE when every MoE field is given.
  const RunSpec m = parse(replace(kBase, "  preset: switch-base\n",
                                  "  preset: gpt3-6.7b\n  experts: 64\n  expert_d_ff: 16384\n  moe_every: 2\n"
                                  "  top_k: 1\n  gating: top1\n  capacity_factor: 1.25\n"));
  EXPECT_EQ(m.model.moe_layer_count(), 16);
}

TEST(RunSpecErrors, UnknownKeysAnywhere) {
  std::string msg = error_of(kBase + "trainig: {}\n");
  EXPECT_HAS(msg, "key 'trainig'");
  EXPECT_HAS(msg, "unknown key");
  msg = error_of(replace(kBase, "  preset: switch-base\n", "  preset: switch-base\n  expertz: 4\n"));
  EXPECT_HAS(msg, "scn.yaml:4: key 'model.expertz'");
  msg = error_of(replace(kBase, "  expert: 64\n", "  expert: 64\n  experts: 64\n"));
  EXPECT_HAS(msg, "parallelism.experts");
  msg = error_of(kBase + "  precison: fp32\n");
  EXPECT_HAS(msg, "training.precison");
  msg = error_of(kBase + "simulation: {routing: {distribuion: zipf}}\n");
  EXPECT_HAS(msg, "simulation.routing.distribuion");
  msg = error_of(kBase + "energy: {pue: 1.1, grid_kgco2e_per_kwh: 0.4, watts: 3}\n");
  EXPECT_HAS(msg, "energy.watts");
  msg = error_of(kBase + "cost: {usd_per_accelerator_hour: 2, eur: 1}\n");
  EXPECT_HAS(msg, "cost.eur");
}

TEST(RunSpecErrors, ClusterIsLeftForTheCaller) {
  EXPECT_EQ(error_of(replace(kBase, "{preset: dgx-h100-superpod}", "{whatever: 1, nodes: [1, 2]}")),
            "no error");
}

TEST(RunSpecErrors, WrongTypes) {
  std::string msg =
      error_of(replace(kBase, "  preset: switch-base\n", "  preset: switch-base\n  d_model: big\n"));
  EXPECT_HAS(msg, "model.d_model");
  EXPECT_HAS(msg, "whole number");
  msg = error_of(replace(kBase, "  data: 64", "  data: [64]"));
  EXPECT_HAS(msg, "scn.yaml:6: key 'parallelism.data'");
  msg = error_of(replace(kBase, "precision: bf16", "precision: int4"));
  EXPECT_HAS(msg, "training.precision");
  EXPECT_HAS(msg, "one of {fp32, bf16, fp16, fp8}");
  msg = error_of(kBase + "  recompute: maybe\n");
  EXPECT_HAS(msg, "training.recompute");
  msg = error_of(replace(kBase, "  data: 64\n", "  data: 64\n  expert_placement: scattered\n"));
  EXPECT_HAS(msg, "parallelism.expert_placement");
  msg = error_of(kBase + "simulation: {backend: ns3}\n");
  EXPECT_HAS(msg, "simulation.backend");
  msg = error_of(kBase +
                 "energy: {pue: 1.1, grid_kgco2e_per_kwh: 0.4, system_power_w_per_accelerator: 3 GB}\n");
  EXPECT_HAS(msg, "energy.system_power_w_per_accelerator");
  EXPECT_HAS(msg, "a power such as");
  msg = error_of(replace(kBase, "model:\n  preset: switch-base\n", "model: switch-base\n"));
  EXPECT_HAS(msg, "key 'model'");
  EXPECT_HAS(msg, "mapping");
}

TEST(RunSpecErrors, NonPositiveSizes) {
  std::string msg =
      error_of(replace(kBase, "  preset: switch-base\n", "  preset: switch-base\n  d_model: 0\n"));
  EXPECT_HAS(msg, "model.d_model");
  EXPECT_HAS(msg, "greater than zero");
  msg = error_of(replace(kBase, "  data: 64\n", "  data: 64\n  tensor: -2\n"));
  EXPECT_HAS(msg, "parallelism.tensor");
  msg = error_of(replace(kBase, "sequence_length: 512", "sequence_length: 0"));
  EXPECT_HAS(msg, "training.sequence_length");
  msg = error_of(replace(kBase, "global_batch_sequences: 256", "global_batch_sequences: -256"));
  EXPECT_HAS(msg, "training.global_batch_sequences");
  // capacity_factor 0 means no capacity limit (Shazeer et al. 2017); a negative one is an error.
  msg = error_of(replace(kBase, "  preset: switch-base\n", "  preset: switch-base\n  capacity_factor: -1\n"));
  EXPECT_HAS(msg, "model.capacity_factor");
  msg = error_of(kBase + "simulation: {steps: 3}\n");  // one step is simulated: the key is refused
  EXPECT_HAS(msg, "simulation.steps");
  EXPECT_HAS(msg, "training.total_tokens");
  msg = error_of(kBase + "energy: {pue: 0.9, grid_kgco2e_per_kwh: 0.4}\n");
  EXPECT_HAS(msg, "energy.pue");
  msg = error_of(kBase + "cost: {usd_per_accelerator_hour: -1}\n");
  EXPECT_HAS(msg, "cost.usd_per_accelerator_hour");
  msg = error_of(kBase + "simulation: {trace_devices: [-1]}\n");
  EXPECT_HAS(msg, "simulation.trace_devices");
}

TEST(RunSpecErrors, UnknownPresetListsTheKnownOnes) {
  const std::string msg = error_of(replace(kBase, "preset: switch-base", "preset: glam-64b"));
  EXPECT_HAS(msg, "scn.yaml:3: key 'model.preset'");
  EXPECT_HAS(msg, "unknown model preset 'glam-64b'");
  EXPECT_HAS(msg, "glam-64b-64e");
  EXPECT_HAS(msg, "gpt3-175b");
}

TEST(RunSpecErrors, BatchFormsAndSections) {
  std::string msg = error_of(replace(kBase, "  global_batch_sequences: 256\n",
                                     "  global_batch_sequences: 256\n  global_batch_tokens: 131072\n"));
  EXPECT_HAS(msg, "training.global_batch_sequences");
  EXPECT_HAS(msg, "not both");
  msg = error_of(replace(kBase, "  global_batch_sequences: 256\n", ""));
  EXPECT_HAS(msg, "training.global_batch_tokens");
  EXPECT_HAS(msg, "required");
  msg = error_of(replace(kBase, "global_batch_sequences: 256", "global_batch_tokens: 1M"));
  EXPECT_HAS(msg, "training.global_batch_tokens");
  EXPECT_HAS(msg, "multiple of");
  msg = error_of(replace(kBase, "  precision: bf16\n", ""));
  EXPECT_HAS(msg, "training.precision");
  msg = error_of(replace(kBase, "  data: 64\n", ""));
  EXPECT_HAS(msg, "parallelism.data");
  EXPECT_HAS(msg, "required");
}

TEST(RunSpecErrors, ModelConsistency) {
  const auto with = [](const std::string& extra) {
    return error_of(replace(kBase, "  preset: switch-base\n", "  preset: switch-base\n" + extra));
  };
  std::string msg = with("  top_k: 200\n  gating: noisy_topk\n");
  EXPECT_HAS(msg, "model.top_k");
  EXPECT_HAS(msg, "at most model.experts");
  msg = with("  top_k: 2\n");
  EXPECT_HAS(msg, "model.top_k");
  EXPECT_HAS(msg, "top1");
  msg = with("  moe_every: 13\n");
  EXPECT_HAS(msg, "model.moe_every");
  msg = with("  layers: 4\n");
  EXPECT_HAS(msg, "model.layers");
  EXPECT_HAS(msg, "encoder_layers");
  msg = with("  experts: 0\n  top_k: 1\n");
  EXPECT_HAS(msg, "model.top_k");
  EXPECT_HAS(msg, "only applies to MoE");
  msg = error_of(replace(kBase, "preset: switch-base", "preset: gpt3-6.7b\n  encoder_layers: 4"));
  EXPECT_HAS(msg, "model.encoder_layers");
  msg = error_of(replace(kBase, "preset: switch-base", "preset: gpt3-6.7b\n  experts: 8"));
  EXPECT_HAS(msg, "model.expert_d_ff");
  EXPECT_HAS(msg, "required when model.experts > 0");
  msg = error_of(replace(kBase, "preset: switch-base",
                         "layers: 4\n  d_model: 64\n  n_heads: 2\n  d_head: 32\n"
                         "  vocab: 100\n  tied_embeddings: true"));
  EXPECT_HAS(msg, "model.d_ff");
  msg = error_of(replace(kBase, "preset: switch-base", "layers: 4\n  n_heads: 2"));
  EXPECT_HAS(msg, "model.d_model");
  EXPECT_HAS(msg, "no model preset");
}

TEST(RunSpecErrors, DegreesMustMultiplyToTheDeviceCount) {
  std::string msg = error_of(kBase, 128);
  EXPECT_HAS(msg, "scn.yaml:6: key 'parallelism.data'");
  EXPECT_HAS(msg, "cluster has 128");
  msg = error_of(
      replace(kBase, "  data: 64\n", "  data: 16\n  tensor: 2\n  pipeline: 2\n  micro_batches: 4\n"), 64);
  EXPECT_HAS(msg, "parallelism.expert");  // 64 experts-group does not divide data 16
  EXPECT_EQ(error_of(replace(kBase, "  data: 64\n  expert: 64\n",
                             "  data: 16\n  expert: 16\n  tensor: 2\n  pipeline: 2\n  micro_batches: 4\n"),
                     64),
            "no error");
}

TEST(RunSpecErrors, ExpertsMustDivideOverTheExpertGroup) {
  // 128 experts over 48 devices: neither 128 % 48 nor 48 % 128 is 0.
  std::string msg = error_of(replace(replace(kBase, "data: 64", "data: 96"), "expert: 64", "expert: 48"), 96);
  EXPECT_HAS(msg, "scn.yaml:7: key 'parallelism.expert'");
  EXPECT_HAS(msg, "model.experts (128)");
  // 256 devices per expert group with 128 experts: each expert sharded over 2 devices — allowed (GLaM style).
  EXPECT_EQ(error_of(replace(replace(kBase, "data: 64", "data: 256"), "expert: 64", "expert: 256"), 256),
            "no error");
  msg = error_of(replace(kBase, "expert: 64", "expert: 128"));
  EXPECT_HAS(msg, "parallelism.expert");
  EXPECT_HAS(msg, "divisor of parallelism.data");
  msg = error_of(replace(kBase, "preset: switch-base", "preset: gpt3-6.7b"));
  EXPECT_HAS(msg, "parallelism.expert");
  EXPECT_HAS(msg, "dense");
}

TEST(RunSpecErrors, ExpertTensorMustFoldIntoTheTensorAndDataRanks) {
  // 4 tensor x 16 data ranks = 64 devices a stage: expert 32 x expert_tensor 2 = 64 folds into them, and so
  // does 32 x 1 (two expert-data replicas); 32 x 4 = 128 does not.
  const auto with = [&](const std::string& etp) {
    return replace(replace(replace(kBase, "data: 64", "data: 16"), "expert: 64", "expert: 32"), "training:",
                   "  tensor: 4\n" + (etp.empty() ? "" : "  expert_tensor: " + etp + "\n") + "training:");
  };
  EXPECT_EQ(error_of(with("2")), "no error");
  EXPECT_EQ(error_of(with("1")), "no error");
  std::string msg = error_of(with("4"));
  EXPECT_HAS(msg, "scn.yaml:9: key 'parallelism.expert_tensor'");
  EXPECT_HAS(msg, "must divide tensor x data (64)");
  msg = error_of(with("0"));
  EXPECT_HAS(msg, "parallelism.expert_tensor");
  // Without expert_tensor the expert group must live inside the data ranks, and the message says how to fold.
  msg = error_of(with(""));
  EXPECT_HAS(msg, "scn.yaml:7: key 'parallelism.expert'");
  EXPECT_HAS(msg, "expert_tensor");
  msg = error_of(replace(replace(kBase, "preset: switch-base", "preset: gpt3-6.7b"), "expert: 64",
                         "expert: 1\n  expert_tensor: 2"));
  EXPECT_HAS(msg, "parallelism.expert_tensor");
  EXPECT_HAS(msg, "dense");
  // switch-base experts have d_ff 3,072, which does not split 80 ways.
  msg = error_of(replace(replace(replace(kBase, "data: 64", "data: 80"), "expert: 64", "expert: 1"),
                         "training:", "  expert_tensor: 80\ntraining:"),
                 80);
  EXPECT_HAS(msg, "parallelism.expert_tensor");
  EXPECT_HAS(msg, "d_ff (3072)");
}

TEST(RunSpecErrors, TensorPipelineBatchAndTraceDevices) {
  std::string msg =
      error_of(replace(kBase, "  data: 64\n  expert: 64\n", "  data: 8\n  expert: 8\n  tensor: 8\n"));
  EXPECT_HAS(msg, "parallelism.tensor");  // 12 heads over 8
  msg = error_of(replace(kBase, "  data: 64\n  expert: 64\n", "  data: 8\n  expert: 8\n  pipeline: 8\n"));
  EXPECT_HAS(msg, "parallelism.micro_batches");
  EXPECT_HAS(msg, "pipeline > 1");
  msg = error_of(replace(kBase, "  data: 64\n  expert: 64\n",
                         "  data: 4\n  expert: 4\n  pipeline: 16\n  micro_batches: 4\n"));
  EXPECT_HAS(msg, "parallelism.pipeline");  // 24 layers over 16 stages
  msg = error_of(replace(kBase, "global_batch_sequences: 256", "global_batch_sequences: 96"));
  EXPECT_HAS(msg, "scn.yaml:9: key 'training.global_batch_sequences'");
  EXPECT_HAS(msg, "divide evenly");
  msg = error_of(replace(kBase, "global_batch_sequences: 256", "global_batch_tokens: 49152"));
  EXPECT_HAS(msg, "training.global_batch_tokens");
  msg = error_of(kBase + "simulation: {trace_devices: [0, 64]}\n");
  EXPECT_HAS(msg, "simulation.trace_devices");
  EXPECT_HAS(msg, "0..63");
}

TEST(RunSpecErrors, RouterLogitSpreadMustBePositiveAndBounded) {
  for (const char* bad : {"0", "-1", "1000", "wide"}) {
    const std::string msg = error_of(kBase + "simulation: {routing: {logit_std: " + bad + "}}\n");
    EXPECT_HAS(msg, "simulation.routing.logit_std");
  }
}

TEST(RunSpecErrors, RoutingOptions) {
  std::string msg = error_of(kBase + "simulation: {routing: {distribution: zipf}}\n");
  EXPECT_HAS(msg, "simulation.routing.zipf_s");
  EXPECT_HAS(msg, "required");
  msg = error_of(kBase + "simulation: {routing: {zipf_s: 1.1}}\n");
  EXPECT_HAS(msg, "simulation.routing.zipf_s");
  EXPECT_HAS(msg, "only applies");
  msg = error_of(kBase + "simulation: {routing: {distribution: histogram}}\n");
  EXPECT_HAS(msg, "simulation.routing.histogram");
  msg = error_of(kBase + "simulation: {routing: {distribution: histogram, histogram: [1, 2, 3]}}\n");
  EXPECT_HAS(msg, "simulation.routing.histogram");
  EXPECT_HAS(msg, "model.experts is 128");
  msg = error_of(kBase + "simulation: {routing: {distribution: histogram, histogram: [1, -2]}}\n");
  EXPECT_HAS(msg, "non-negative");
  msg = error_of(kBase + "simulation: {routing: {distribution: histogram, histogram: [0, 0]}}\n");
  EXPECT_HAS(msg, "greater than zero");
  msg = error_of(kBase + "energy: {pue: 1.1}\n");
  EXPECT_HAS(msg, "energy.grid_kgco2e_per_kwh");
}

TEST(RunSpec, RecomputeModulesNameWhatSelectiveRecomputationReruns) {
  EXPECT_TRUE(parse(kBase + "  recompute: selective\n").training.recomputes(RecomputeModule::kCoreAttn));
  const RunSpec r = parse(kBase + "  recompute: selective\n  recompute_modules: [moe_act, layernorm]\n");
  EXPECT_FALSE(r.training.recomputes(RecomputeModule::kCoreAttn));
  EXPECT_TRUE(r.training.recomputes(RecomputeModule::kMoeAct));
  EXPECT_TRUE(r.training.recomputes(RecomputeModule::kLayernorm));
  EXPECT_FALSE(r.training.recomputes(RecomputeModule::kMoe));
  EXPECT_FALSE(parse(kBase + "  recompute: full\n").training.recomputes(RecomputeModule::kCoreAttn));
}

TEST(RunSpecErrors, RecomputeModules) {
  std::string msg = error_of(kBase + "  recompute_modules: [moe]\n");
  EXPECT_HAS(msg, "scn.yaml:12: key 'training.recompute_modules'");
  EXPECT_HAS(msg, "recompute: selective");
  msg = error_of(kBase + "  recompute: selective\n  recompute_modules: [attention]\n");
  EXPECT_HAS(msg, "training.recompute_modules");
  EXPECT_HAS(msg, "'attention'");
  EXPECT_HAS(msg, "core_attn, layernorm");
  msg = error_of(kBase + "  recompute: selective\n  recompute_modules: []\n");
  EXPECT_HAS(msg, "training.recompute_modules");
  msg = error_of(kBase + "  recompute: selective\n  recompute_modules: [mla_up_proj]\n");
  EXPECT_HAS(msg, "training.recompute_modules");
  EXPECT_HAS(msg, "multi-head latent attention");
  msg = error_of(kBase + "  recompute: selective\n  recompute_modules: [shared_experts]\n");
  EXPECT_HAS(msg, "needs shared experts");
  msg = error_of(replace(kBase, "preset: switch-base", "preset: gpt3-6.7b") +
                 "  recompute: selective\n  recompute_modules: [moe]\n");
  EXPECT_HAS(msg, "needs an MoE model");
}

}  // namespace
}  // namespace moesim::workloads
