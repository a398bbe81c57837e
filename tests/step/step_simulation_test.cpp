// The step simulation of whole scenarios: invariants and textbook cases.
#include "tests/step/small_moe_scenario.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "topologies/accelerator.h"
#include "workloads/config_error.h"

namespace moesim::sim {
namespace {

using test::dense_yaml;
using test::kSmallMoe;
using test::simulate;

double breakdown(const nlohmann::json& r, const char* key) {
  return r["breakdown_s"][key].get<double>();
}

TEST(StepSimulation, ExecutedFlopsEqualTheAccountingWhenNoTokenIsDropped) {
  const auto r = simulate(kSmallMoe, {"model.gating=topk"});
  EXPECT_EQ(r["routing"]["dropped_fraction"].get<double>(), 0.0);
  EXPECT_NEAR(r["executed_flops_per_step"].get<double>() / r["model_flops_per_step"].get<double>(), 1.0,
              1e-6);
  // GShard's random second expert computes fewer copies than the two the model FLOPs count.
  const auto gshard = simulate(kSmallMoe);
  EXPECT_LT(gshard["executed_flops_per_step"].get<double>(), r["executed_flops_per_step"].get<double>());
}

TEST(StepSimulation, BreakdownSumsToTheStepTime) {
  const auto r = simulate(kSmallMoe);
  double sum = 0;
  for (const auto& [k, v] : r["breakdown_s"].items()) sum += v.get<double>();
  EXPECT_NEAR(sum, r["step_time_s"].get<double>(), 1e-9 * r["step_time_s"].get<double>());
  EXPECT_GT(breakdown(r, "exposed_a2a_s"), 0.0);
  EXPECT_GT(r["a2a_bytes_per_step"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(r["tokens_per_s"].get<double>(), 65536 / r["step_time_s"].get<double>());
}

TEST(StepSimulation, ExposedCommunicationAndIdleAreSplitByCause) {
  auto sum = [](const nlohmann::json& o) {
    double t = 0;
    for (const auto& [k, v] : o.items()) t += v.get<double>();
    return t;
  };
  auto check = [&](const nlohmann::json& r) {
    EXPECT_NEAR(
        sum(r["exposed_comm_by_communicator_s"]),
        breakdown(r, "exposed_a2a_s") + breakdown(r, "exposed_allreduce_s") + breakdown(r, "pipeline_p2p_s"),
        1e-9);
    EXPECT_NEAR(sum(r["idle_by_cause_s"]), breakdown(r, "idle_s"), 1e-9);
    EXPECT_NEAR(r["exposed_comm_by_communicator_s"]["ep"].get<double>(), breakdown(r, "exposed_a2a_s"), 1e-9);
  };
  const auto uniform = simulate(kSmallMoe);
  const auto skewed =
      simulate(kSmallMoe, {"simulation.routing.distribution=zipf", "simulation.routing.zipf_s=1.2"});
  check(uniform);
  check(skewed);
  // The busiest experts make the others wait at the next all-to-all.
  EXPECT_GT(skewed["idle_by_cause_s"]["collective_wait_s"].get<double>(),
            uniform["idle_by_cause_s"]["collective_wait_s"].get<double>());
  // A pipeline's idle time is its bubble.
  const auto piped = simulate(
      dense_yaml(), {"model.vocab=1000", "training.global_batch_sequences=1024", "parallelism.data=4",
                     "parallelism.expert=1", "parallelism.pipeline=4", "parallelism.micro_batches=4"});
  check(piped);
  EXPECT_GT(piped["idle_by_cause_s"]["pipeline_bubble_s"].get<double>(), 0.8 * breakdown(piped, "idle_s"));
}

TEST(StepSimulation, MoreBandwidthIsNeverSlower) {
  const auto slow = simulate(kSmallMoe, {"cluster.node.nic_bandwidth=100 Gb/s"});
  const auto base = simulate(kSmallMoe);
  const auto fast = simulate(kSmallMoe, {"cluster.node.nic_bandwidth=1600 Gb/s"});
  EXPECT_GT(slow["step_time_s"].get<double>(), base["step_time_s"].get<double>());
  EXPECT_LE(fast["step_time_s"].get<double>(), base["step_time_s"].get<double>());
}

TEST(StepSimulation, EnergyIsAtLeastIdlePowerTimesTime) {
  const auto r = simulate(kSmallMoe);
  const auto& acc = topologies::find_accelerator("h100-sxm");
  const double idle_w = acc.idle_power_w.value_or(0.3 * acc.compute_power_w());
  EXPECT_GE(r["energy_j_per_step"].get<double>(), 16 * idle_w * r["step_time_s"].get<double>());
  // Run energy = per-step energy × steps, in MWh; carbon = MWh × kg/kWh.
  const double steps = 1e9 / 65536;
  EXPECT_NEAR(r["energy_mwh_run"].get<double>(), r["energy_j_per_step"].get<double>() * steps / 3.6e9, 1e-9);
  EXPECT_NEAR(r["tco2e_run"].get<double>(), r["energy_mwh_run"].get<double>() * 0.4, 1e-9);
}

TEST(StepSimulation, SkewedRoutingIsSlowerAndDropsTokensAtLowCapacity) {
  const auto uniform = simulate(kSmallMoe);
  const auto skewed =
      simulate(kSmallMoe, {"simulation.routing.distribution=zipf", "simulation.routing.zipf_s=1.2"});
  EXPECT_GT(skewed["step_time_s"].get<double>(), uniform["step_time_s"].get<double>());
  EXPECT_GT(skewed["routing"]["imbalance"].get<double>(), 2.0);
  const auto capped = simulate(kSmallMoe, {"simulation.routing.distribution=zipf",
                                           "simulation.routing.zipf_s=1.2", "model.capacity_factor=1.0"});
  EXPECT_GT(capped["routing"]["dropped_fraction"].get<double>(), 0.1);
  EXPECT_LT(capped["executed_flops_per_step"].get<double>(), capped["model_flops_per_step"].get<double>());
  EXPECT_LT(capped["step_time_s"].get<double>(), skewed["step_time_s"].get<double>());
}

TEST(StepSimulation, PaddedDispatchMakesTheCapacityFactorCost) {
  // GShard/Mesh-TF einsum dispatch sends and computes every expert's full capacity buffer: traffic and step
  // time grow with the capacity factor, while dropless dispatch follows the accepted tokens only.
  auto run = [&](const char* cf, const char* dispatch) {
    return simulate(kSmallMoe, {std::string("model.capacity_factor=") + cf,
                                std::string("simulation.dispatch=") + dispatch});
  };
  const auto p1 = run("1.0", "padded"), p2 = run("2.0", "padded"), d2 = run("2.0", "dropless");
  EXPECT_NEAR(p2["a2a_bytes_per_step"].get<double>() / p1["a2a_bytes_per_step"].get<double>(), 2.0, 0.01);
  EXPECT_GT(p2["step_time_s"].get<double>(), p1["step_time_s"].get<double>());
  EXPECT_GT(p2["step_time_s"].get<double>(), d2["step_time_s"].get<double>());
  EXPECT_GT(p2["executed_flops_per_step"].get<double>(), p2["model_flops_per_step"].get<double>());
  EXPECT_THROW(simulate(kSmallMoe, {"model.capacity_factor=0", "simulation.dispatch=padded"}), ConfigError);
}

TEST(StepSimulation, PipelineBubbleFollowsTheOneFOneBFormula) {
  // Dense model, 4 stages: the bubble is (p-1)/(m+p-1) of the step (Narayanan et al. 2021 §2.2), so the
  // idle share shrinks as micro-batches grow.
  auto run = [&](int m) {
    return simulate(dense_yaml(), {"model.vocab=1000", "training.global_batch_sequences=1024",
                                   "parallelism.data=4", "parallelism.expert=1", "parallelism.pipeline=4",
                                   "parallelism.micro_batches=" + std::to_string(m)});
  };
  for (int m : {4, 16}) {
    const auto r = run(m);
    // Time on the p2p transfers themselves is reported apart (pipeline_p2p_s); the bubble is the idle time.
    const double idle_share = breakdown(r, "idle_s") / r["step_time_s"].get<double>();
    const double expected = 3.0 / (m + 3.0);
    EXPECT_NEAR(idle_share, expected, 0.25 * expected) << "micro-batches " << m;
  }
}

TEST(StepSimulation, PipelineTransfersAcrossTheSpinesCostOneBoundaryNotOnePerExpertRank) {
  // An MoE pipeline whose stages sit under different leaves: every stage boundary crosses the spines. Its
  // 16 expert-parallel ranks per stage send their activations together, priced as one boundary's traffic;
  // charging each rank the whole boundary's spine load made each transfer 16 times slower.
  auto run = [&](const char* radix) {
    return simulate(kSmallMoe, {"cluster.devices=128", "cluster.fabric.radix=" + std::string(radix),
                                "parallelism.data=64", "parallelism.pipeline=2",
                                "parallelism.micro_batches=8", "training.global_batch_sequences=512"});
  };
  const auto across = run("16");  // 8 nodes per rail and leaf: the two stages under different leaves
  const auto inside = run("64");  // 16 nodes per rail and leaf: no spine on the way
  EXPECT_LT(across["step_time_s"].get<double>(), 1.05 * inside["step_time_s"].get<double>());
  EXPECT_LT(breakdown(across, "pipeline_p2p_s"), 0.05 * across["step_time_s"].get<double>());
}

// The small MoE on p stages of v chunks with m micro-batches, without and with merged pairs: never slower
// with them, and with 8 micro-batches or more faster, with less exposed all-to-all time (at most
// `exposed_share` of it).
void expect_merged_pairs_help(int p, int v, int m, double exposed_share) {
  const std::vector<std::string> layout = {"model.layers=16",
                                           "cluster.devices=" + std::to_string(16 * p),
                                           "parallelism.pipeline=" + std::to_string(p),
                                           "parallelism.virtual_stages=" + std::to_string(v),
                                           "parallelism.micro_batches=" + std::to_string(m),
                                           "training.global_batch_sequences=" + std::to_string(16 * m)};
  auto with = layout;
  with.push_back("simulation.overlap.ep_comm=true");
  const auto off = simulate(kSmallMoe, layout);
  const auto on = simulate(kSmallMoe, with);
  const std::string where = std::to_string(p) + " x " + std::to_string(v) + ", " + std::to_string(m);
  EXPECT_LE(on["step_time_s"].get<double>(), 1.001 * off["step_time_s"].get<double>()) << where;
  if (m >= 8) {
    EXPECT_LT(on["step_time_s"].get<double>(), 0.95 * off["step_time_s"].get<double>()) << where;
    EXPECT_LT(breakdown(on, "exposed_a2a_s"), exposed_share * breakdown(off, "exposed_a2a_s")) << where;
  }
}

TEST(StepSimulation, MergedForwardBackwardPairsHideTheAllToAlls) {
  // simulation.overlap.ep_comm: a forward and a backward of different micro-batches run as one merged
  // step, each one's all-to-alls under the other's compute (Megatron-Core combined 1F1B, DualPipe). With
  // and without pipeline stages, and whatever the micro-batches (fewer than the warm-up included), the
  // step runs.
  for (int p : {1, 2, 4})
    for (int m : {1, 2, 3, 8}) expect_merged_pairs_help(p, 1, m, 0.7);
  // Interleaved stages pair every steady-state forward with the backward that follows it, after one more
  // warm-up forward (Megatron-Core's combined 1F1B with virtual stages); with few micro-batches (all
  // forwards in the warm-up) nothing is paired and the step still runs.
  for (int p : {2, 4})
    for (int m : {4, 8, 16}) expect_merged_pairs_help(p, 2, m, 0.8);
}

TEST(StepSimulation, GradientReductionsOverlapBackwardUnlessTurnedOff) {
  // With DDP-style overlap the gradient all-reduces run on the data-parallel stream under backward; turned
  // off, each one blocks the compute stream and its whole time is exposed.
  const auto on = simulate(kSmallMoe, {"simulation.grad_bucket=1 MB"});
  const auto off =
      simulate(kSmallMoe, {"simulation.grad_bucket=1 MB", "simulation.overlap.grad_reduce=false"});
  EXPECT_GT(breakdown(off, "exposed_allreduce_s"), 1.5 * breakdown(on, "exposed_allreduce_s"));
  EXPECT_GT(off["step_time_s"].get<double>(), on["step_time_s"].get<double>());
  EXPECT_THROW(simulate(kSmallMoe, {"simulation.overlap.grad_reduce=maybe"}), ConfigError);
  EXPECT_THROW(simulate(kSmallMoe, {"simulation.overlap.everything=true"}), ConfigError);
}

TEST(StepSimulation, OneBigGradientBucketCannotOverlapBackward) {
  // A bucket holding every gradient is reduced only when backward is over: all of it exposed. Small
  // buckets start reducing while backward goes on.
  const auto small = simulate(kSmallMoe, {"simulation.grad_bucket=1 MB"});
  const auto whole = simulate(kSmallMoe, {"simulation.grad_bucket=100 GB"});
  EXPECT_GT(breakdown(whole, "exposed_allreduce_s"), 1.2 * breakdown(small, "exposed_allreduce_s"));
  EXPECT_THROW(simulate(kSmallMoe, {"simulation.grad_bucket=-1 MB"}), ConfigError);
}

TEST(StepSimulation, ZeroStagesTradeMemoryForWeightGathers) {
  auto run = [&](int zero) {
    return simulate(kSmallMoe, {"parallelism.zero=" + std::to_string(zero), "parallelism.expert=8"});
  };
  const auto z0 = run(0), z1 = run(1), z3 = run(3);
  auto mem = [](const nlohmann::json& r, const char* k) {
    return r["memory_bytes_per_device"][k].get<double>();
  };
  // 16 data ranks: dense state split 16 ways, experts (8-way expert parallel) over their 2 replicas.
  EXPECT_LT(mem(z1, "optimizer_state"), 0.55 * mem(z0, "optimizer_state"));
  EXPECT_DOUBLE_EQ(mem(z1, "weights"), mem(z0, "weights"));
  EXPECT_LT(mem(z3, "weights"), 0.55 * mem(z0, "weights"));
  // ZeRO-3 gathers every layer's weights before its forward and again before its backward.
  SimulateOptions o;
  o.keep_timeline = true;
  const auto result = sim::simulate_step(
      reports::read_scenario(
          workloads::apply_overrides(YAML::Load(kSmallMoe), {"parallelism.zero=3"}, "t.yaml"), "t.yaml"),
      o);
  int gathers = 0;
  for (const auto& op : result.timeline)
    if (op.device == 0 && op.category == OpCategory::kParamAllGather) ++gathers;
  EXPECT_GE(gathers, 2 * 8);  // 8 layers, forward and backward
  EXPECT_THROW(simulate(kSmallMoe, {"parallelism.zero=4"}), ConfigError);
  EXPECT_THROW(simulate(kSmallMoe, {"parallelism.zero=1", "parallelism.shard_weights=true"}), ConfigError);
}

TEST(StepSimulation, TensorParallelCommOverlapHidesPartOfTheTpCollectives) {
  const std::vector<std::string> tp8{"parallelism.data=2", "parallelism.expert=2", "parallelism.tensor=8"};
  auto with_overlap = tp8;
  with_overlap.push_back("simulation.overlap.tp_comm=true");
  const auto plain = simulate(kSmallMoe, tp8);
  const auto overlapped = simulate(kSmallMoe, with_overlap);
  EXPECT_GT(breakdown(plain, "exposed_allreduce_s"), 0.0);
  EXPECT_LT(breakdown(overlapped, "exposed_allreduce_s"), 0.8 * breakdown(plain, "exposed_allreduce_s"));
  EXPECT_LT(overlapped["step_time_s"].get<double>(), plain["step_time_s"].get<double>());
}

TEST(StepSimulation, FullRecomputationRerunsTheForwardAllToAlls) {
  // Megatron's full recompute runs each layer's forward again in backward, all-to-alls included: three
  // all-to-all passes per MoE layer instead of two (forward, backward) -> 1.5x the bytes.
  const auto plain = simulate(kSmallMoe);
  const auto full = simulate(kSmallMoe, {"training.recompute=full"});
  const auto selective = simulate(kSmallMoe, {"training.recompute=selective"});
  EXPECT_NEAR(full["a2a_bytes_per_step"].get<double>() / plain["a2a_bytes_per_step"].get<double>(), 1.5,
              1e-9);
  EXPECT_GT(full["step_time_s"].get<double>(), selective["step_time_s"].get<double>());
  // Selective recompute adds the attention core's compute (the step itself may not grow: it moves where the
  // collectives meet).
  EXPECT_GT(breakdown(selective, "compute_s") + breakdown(selective, "memory_bound_s"),
            breakdown(plain, "compute_s") + breakdown(plain, "memory_bound_s"));
  // Model FLOPs do not count recomputation.
  EXPECT_DOUBLE_EQ(full["executed_flops_per_step"].get<double>(),
                   plain["executed_flops_per_step"].get<double>());
  const auto& m0 = plain["memory_bytes_per_device"];
  const auto& m1 = full["memory_bytes_per_device"];
  EXPECT_LT(m1["activations"].get<double>(), 0.5 * m0["activations"].get<double>());
  EXPECT_DOUBLE_EQ(m0["total"].get<double>(), m0["weights"].get<double>() + m0["gradients"].get<double>() +
                                                  m0["optimizer_state"].get<double>() +
                                                  m0["activations"].get<double>() +
                                                  m0["buffers"].get<double>());
  EXPECT_EQ(plain["hbm_bytes"].get<double>(), 80e9);
}

TEST(StepSimulation, RecomputeModulesRerunWhatTheyName) {
  const std::vector<std::string> sel{"training.recompute=selective"};
  auto with = [&](const std::string& modules) {
    auto o = sel;
    o.push_back("training.recompute_modules=" + modules);
    return simulate(kSmallMoe, o);
  };
  auto busy = [](const nlohmann::json& r) {
    return breakdown(r, "compute_s") + breakdown(r, "memory_bound_s");
  };
  const auto plain = simulate(kSmallMoe);
  // The default list is the attention core alone.
  EXPECT_DOUBLE_EQ(with("[core_attn]")["step_time_s"].get<double>(),
                   simulate(kSmallMoe, sel)["step_time_s"].get<double>());
  // A checkpointed MoE layer runs its forward again, both all-to-alls included: 4 layers of 8 are MoE,
  // each with forward, recomputed forward and backward all-to-alls instead of two -> 1.5x the bytes.
  const auto moe = with("[moe]");
  EXPECT_NEAR(moe["a2a_bytes_per_step"].get<double>() / plain["a2a_bytes_per_step"].get<double>(), 1.5, 1e-9);
  EXPECT_LT(moe["memory_bytes_per_device"]["activations"].get<double>(),
            plain["memory_bytes_per_device"]["activations"].get<double>());
  // The experts' activation and the norms are recomputed in place: more busy time, the same all-to-alls.
  const auto act = with("[moe_act, layernorm]");
  EXPECT_DOUBLE_EQ(act["a2a_bytes_per_step"].get<double>(), plain["a2a_bytes_per_step"].get<double>());
  EXPECT_GT(busy(act), busy(plain));
  EXPECT_LT(act["memory_bytes_per_device"]["activations"].get<double>(),
            plain["memory_bytes_per_device"]["activations"].get<double>());
  // Dense FFNs re-run their forward with mlp.
  EXPECT_GT(busy(with("[mlp]")), busy(plain));
  // Recomputation is not model work.
  EXPECT_DOUBLE_EQ(moe["executed_flops_per_step"].get<double>(),
                   plain["executed_flops_per_step"].get<double>());
}

TEST(StepSimulation, ActivationsThatDoNotFitAreRefusedWithTheBreakdown) {
  try {
    simulate(kSmallMoe, {"training.global_batch_sequences=16384", "training.sequence_length=2048"});
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("activations"), std::string::npos) << what;
    EXPECT_NE(what.find("weights"), std::string::npos) << what;
    EXPECT_NE(what.find("recompute"), std::string::npos) << "names what to change: " << what;
  }
}

TEST(StepSimulation, InterleavedPipelineShrinksTheBubbleByTheVirtualStages) {
  // Interleaved 1F1B with v model chunks per device: bubble (p-1)/(v m) of the ideal time (Narayanan et
  // al. 2021 §2.2.2), i.e. an idle share of (p-1)/(v m + p - 1).
  auto run = [&](int v) {
    return simulate(dense_yaml(),
                    {"model.vocab=1000", "training.global_batch_sequences=1024", "parallelism.data=4",
                     "parallelism.expert=1", "parallelism.pipeline=4", "parallelism.micro_batches=8",
                     "parallelism.virtual_stages=" + std::to_string(v)});
  };
  for (int v : {1, 2}) {
    const auto r = run(v);
    const double idle_share = breakdown(r, "idle_s") / r["step_time_s"].get<double>();
    const double expected = 3.0 / (v * 8 + 3.0);
    EXPECT_NEAR(idle_share, expected, 0.25 * expected) << "virtual stages " << v;
  }
  EXPECT_LT(run(2)["step_time_s"].get<double>(), run(1)["step_time_s"].get<double>());
  EXPECT_THROW(simulate(dense_yaml(), {"parallelism.data=4", "parallelism.expert=1", "parallelism.pipeline=4",
                                       "parallelism.micro_batches=6", "parallelism.virtual_stages=2"}),
               ConfigError);  // micro-batches not a multiple of the stages
}

TEST(StepSimulation, BalancedStagesCarryTheLogitsOfALargeVocabulary) {
  // A 32K vocabulary makes the last stage's logits worth about three layers of this small model;
  // `stage_layers: auto` gives that stage fewer layers and the pipeline idles less.
  const std::vector<std::string> base{"model.vocab=32000",      "training.global_batch_sequences=1024",
                                      "parallelism.data=4",     "parallelism.expert=1",
                                      "parallelism.pipeline=4", "parallelism.micro_batches=16"};
  auto balanced = base;
  balanced.push_back("parallelism.stage_layers=auto");
  const auto even = simulate(dense_yaml(), base);
  const auto tuned = simulate(dense_yaml(), balanced);
  EXPECT_LT(breakdown(tuned, "idle_s"), 0.8 * breakdown(even, "idle_s"));
  EXPECT_LT(tuned["step_time_s"].get<double>(), even["step_time_s"].get<double>());
  auto given = base;
  given.push_back("parallelism.stage_layers=[3, 2, 2, 1]");
  EXPECT_NO_THROW(simulate(dense_yaml(), given));
  given.back() = "parallelism.stage_layers=[3, 2, 2]";
  EXPECT_THROW(simulate(dense_yaml(), given), ConfigError);
}

TEST(StepSimulation, InterleavedStagesTakeOneLayerCountPerVirtualStage) {
  // 2 stages x 2 chunks of a 8-layer model: the even split is [2, 2, 2, 2]; giving it explicitly is the
  // same step, and a chunk of 3 layers makes its stage the slowest.
  const std::vector<std::string> base{"training.global_batch_sequences=1024",
                                      "parallelism.data=8",
                                      "parallelism.expert=1",
                                      "parallelism.pipeline=2",
                                      "parallelism.micro_batches=8",
                                      "parallelism.virtual_stages=2"};
  const auto with = [&](const std::string& layers) {
    auto o = base;
    o.push_back("parallelism.stage_layers=" + layers);
    return o;
  };
  const auto even = simulate(dense_yaml(), base);
  EXPECT_EQ(simulate(dense_yaml(), with("[2, 2, 2, 2]"))["step_time_s"].get<double>(),
            even["step_time_s"].get<double>());
  EXPECT_GT(simulate(dense_yaml(), with("[1, 3, 2, 2]"))["step_time_s"].get<double>(),
            even["step_time_s"].get<double>());
  EXPECT_THROW(simulate(dense_yaml(), with("[4, 4]")), ConfigError);  // one count per stage only
}

TEST(StepSimulation, TracedDevicesAreTheClusterRanksAsked) {
  // 16 GPUs, expert degree 16: every device is simulated; ranks 5 and 13 are traced under their own ids.
  SimulateOptions o;
  o.keep_timeline = true;
  const auto r = simulate_step(
      reports::read_scenario(
          workloads::apply_overrides(YAML::Load(kSmallMoe), {"simulation.trace_devices=[5, 13]"}, "t.yaml"),
          "t.yaml"),
      o);
  std::set<int> real;
  bool collective_with_bytes = false;
  for (const auto& op : r.timeline) {
    real.insert(op.real_device);
    collective_with_bytes = collective_with_bytes || (op.bytes > 0 && !op.algorithm.empty());
  }
  EXPECT_EQ(real, (std::set<int>{5, 13}));
  EXPECT_TRUE(collective_with_bytes);
}

TEST(StepSimulation, TooLittleMemoryIsAClearError) {
  try {
    simulate(kSmallMoe, {"model.d_model=16384", "model.d_ff=65536", "model.expert_d_ff=65536",
                         "model.n_heads=128", "model.d_head=128", "model.layers=64"});
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "parallelism");
    EXPECT_NE(std::string(e.what()).find("GB per device"), std::string::npos) << e.what();
  }
}

TEST(StepSimulation, TraceAndOverridesErrors) {
  EXPECT_THROW(workloads::apply_overrides(YAML::Load(kSmallMoe), {"no-equals-sign"}, "t.yaml"), ConfigError);
  EXPECT_THROW(simulate(kSmallMoe, {"parallelism.data=8"}), ConfigError);  // 8 != 16 devices
  EXPECT_THROW(simulate(kSmallMoe, {}, "carrier-pigeon"), ConfigError);
}

}  // namespace
}  // namespace moesim::sim
