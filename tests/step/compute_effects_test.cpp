// The compute model inside whole scenarios: precision selects the matmul peak (and MFU's denominator), a
// format the chip lacks is a ConfigError naming the key, the profile is used where it applies and checked
// against the accelerator, calibration scales its op family, and the compute: section is parsed strictly.
#include <gtest/gtest.h>

#include <string>

#include "reports/scenario_run.h"
#include "sim/step/compute_setup.h"
#include "topologies/accelerator.h"
#include "workloads/config_error.h"
#include "workloads/scenario_overrides.h"

namespace moesim::sim {
namespace {

// GLaM-1.7B/64E on 256 H100 (32 DGX H100), one expert per GPU: examples/glam-64b64e-h100.yaml's mapping.
const char* kGlam = R"(
model: {preset: glam-1.7b-64e}
cluster: {preset: dgx-h100-superpod, devices: 256}
parallelism: {data: 256, expert: 64}
training: {global_batch_sequences: 1024, sequence_length: 1024, precision: bf16, optimizer: adam}
)";

// A small MoE layer whose kernels lie inside the committed H100 profile (d_model 2048, d_ff 2048, 16 experts
// per GPU, top-4, GLU experts: one of the profiled families).
const char* kProfiled = R"(
model:
  name: profiled-moe
  layers: 4
  d_model: 2048
  n_heads: 16
  d_head: 128
  d_ff: 2048
  vocab: 32000
  tied_embeddings: true
  experts: 16
  expert_d_ff: 2048
  expert_gated: true
  moe_every: 1
  top_k: 4
  gating: noisy_topk
  capacity_factor: 4.0
cluster: {preset: dgx-h100-superpod, devices: 8}
parallelism: {data: 8, expert: 1}
training: {global_batch_sequences: 32, sequence_length: 1024, precision: bf16}
)";

nlohmann::json simulate(const std::string& yaml, const std::vector<std::string>& overrides = {},
                        const std::string& profile = "") {
  SimulateOptions o;
  o.profile_path = profile;
  return reports::simulate_scenario(workloads::apply_overrides(YAML::Load(yaml), overrides, "test.yaml"),
                                    "test.yaml", o);
}

double compute_s(const nlohmann::json& r) {
  return r["breakdown_s"]["compute_s"].get<double>() + r["breakdown_s"]["memory_bound_s"].get<double>();
}

std::string error_key(const std::string& yaml, const std::vector<std::string>& overrides,
                      const std::string& profile = "") {
  try {
    simulate(yaml, overrides, profile);
  } catch (const ConfigError& e) {
    return e.key();
  }
  return "(no error)";
}

TEST(ComputeEffects, PrecisionSelectsTheMatmulPeak) {
  const auto bf16 = simulate(kGlam);
  const auto fp8 = simulate(kGlam, {"training.precision=fp8"});
  const auto mixed = simulate(kGlam, {"training.matmul_precision=fp8"});  // fp8 GEMMs, bf16 elsewhere
  const auto fp32 = simulate(kGlam, {"training.precision=fp32"});
  EXPECT_LE(compute_s(fp8), 0.7 * compute_s(bf16));
  // Norms, attention, permutations, the router and the output head (a 256K vocabulary here) stay bf16, and
  // the FP8 operands are quantized first: the mixed recipe gains less than an all-FP8 step.
  EXPECT_LE(compute_s(mixed), 0.85 * compute_s(bf16));
  EXPECT_GT(compute_s(mixed), compute_s(fp8));
  EXPECT_GE(compute_s(fp32), 1.8 * compute_s(bf16));
  EXPECT_EQ(mixed["matmul_precision"], "fp8");
  EXPECT_EQ(fp32["matmul_precision"], "fp32");  // GPUs run fp32 products in fp32 unless told tf32
  // MFU against the peak of the format in use; mfu_bf16 against 989 TFLOP/s.
  EXPECT_NEAR(fp8["mfu"].get<double>() / fp8["mfu_bf16"].get<double>(), 989.0 / 1979, 1e-9);
  EXPECT_NEAR(bf16["mfu"].get<double>(), bf16["mfu_bf16"].get<double>(), 1e-12);
  EXPECT_NEAR(fp32["mfu"].get<double>() / fp32["mfu_bf16"].get<double>(), 989.0 / 67, 1e-9);
}

TEST(ComputeEffects, Fp8RecipesChargeTheirQuantizationPasses) {
  // Each 16-bit operand of an FP8 GEMM is quantized by a memory-bound pass: delayed scaling only the output
  // gradients (the input's cast is fused into its producer), blockwise both (one read, two writes),
  // current scaling both with an amax read first. A recipe without FP8 GEMMs is an error naming the key.
  auto elementwise = [](const nlohmann::json& r) {
    return r["compute_by_family"]["elementwise"]["time_s"].get<double>();
  };
  const std::string fp8 = "training.matmul_precision=fp8";
  const auto delayed = simulate(kGlam, {fp8});
  const auto blockwise = simulate(kGlam, {fp8, "training.fp8_recipe=blockwise"});
  const auto current = simulate(kGlam, {fp8, "training.fp8_recipe=current"});
  EXPECT_EQ(elementwise(simulate(kGlam, {fp8, "training.fp8_recipe=delayed"})), elementwise(delayed));
  EXPECT_GT(elementwise(blockwise), elementwise(delayed));
  EXPECT_GT(elementwise(current), elementwise(blockwise));
  EXPECT_GT(compute_s(current), compute_s(delayed));
  EXPECT_EQ(error_key(kGlam, {"training.fp8_recipe=current"}), "training.fp8_recipe");  // bf16 GEMMs
  EXPECT_EQ(error_key(kGlam, {fp8, "training.fp8_recipe=tensorwise"}), "training.fp8_recipe");
}

TEST(ComputeEffects, TpuRunsFp32ProductsAsBf16UnlessAskedForMore) {
  const std::string tpu = R"(
model: {preset: switch-base}
cluster: {preset: tpuv3-pod, devices: 16}
parallelism: {data: 16, expert: 16}
training: {global_batch_sequences: 128, sequence_length: 512, precision: fp32, optimizer: adafactor}
)";
  const auto fp32 = simulate(tpu);
  EXPECT_EQ(fp32["matmul_precision"], "bf16");  // XLA's default: one bf16 pass on the MXU
  const auto highest = simulate(tpu, {"training.matmul_precision=fp32"});  // six bf16 passes
  EXPECT_GT(compute_s(highest), 2.0 * compute_s(fp32));  // the GEMMs take 6x, the memory-bound kernels not
}

TEST(ComputeEffects, AFormatTheChipLacksIsAConfigErrorNamingTheKey) {
  const std::vector<std::string> a100 = {"cluster.preset=dgx-a100-superpod"};
  auto with = [&](std::vector<std::string> v, const std::string& o) {
    v.push_back(o);
    return v;
  };
  EXPECT_EQ(error_key(kGlam, with(a100, "training.precision=fp8")), "training.precision");
  EXPECT_EQ(error_key(kGlam, with(a100, "training.matmul_precision=fp8")), "training.matmul_precision");
  EXPECT_EQ(error_key(kGlam, {"training.matmul_precision=fp4"}), "training.matmul_precision");
  EXPECT_EQ(error_key(kGlam, with(a100, "training.matmul_precision=tf32")), "(no error)");
}

TEST(ComputeEffects, TheProfileIsUsedWhereItAppliesAndCheckedAgainstTheGpu) {
  const auto inside = simulate(kProfiled);
  EXPECT_GT(inside["compute_measured_fraction"].get<double>(), 0.2);
  EXPECT_GT(inside["compute_by_family"]["grouped_gemm"]["measured_fraction"].get<double>(), 0.5);
  // fp8 is not what the profile measured: the shape model alone.
  EXPECT_EQ(simulate(kProfiled, {"training.matmul_precision=fp8"})["compute_measured_fraction"].get<double>(),
            0.0);
  // The H100 profile on A100s: explicit choices are refused, naming the key.
  const std::string h100 = std::string(MOESIM_SOURCE_DIR) + "/kernels/profiles/h100.json";
  const std::vector<std::string> a100 = {"cluster.preset=dgx-a100-superpod"};
  EXPECT_EQ(error_key(kProfiled, a100, h100), "--profile");
  std::vector<std::string> scenario_profile = a100;
  scenario_profile.push_back("compute.profile=" + h100);
  EXPECT_EQ(error_key(kProfiled, scenario_profile), "compute.profile");
  EXPECT_EQ(simulate(kProfiled, a100)["compute_measured_fraction"].get<double>(), 0.0);
  // The same profile chosen explicitly on H100s gives the same answer as the committed default.
  EXPECT_DOUBLE_EQ(simulate(kProfiled, {}, h100)["step_time_s"].get<double>(),
                   inside["step_time_s"].get<double>());
}

TEST(ComputeEffects, CalibrationScalesOnlyItsFamily) {
  const auto base = simulate(kGlam);
  const auto cal = simulate(kGlam, {"compute.calibration.elementwise=2.0"});
  const auto& b = base["compute_by_family"];
  const auto& c = cal["compute_by_family"];
  EXPECT_NEAR(c["elementwise"]["time_s"].get<double>(), 2.0 * b["elementwise"]["time_s"].get<double>(),
              1e-12);
  EXPECT_DOUBLE_EQ(c["gemm"]["time_s"].get<double>(), b["gemm"]["time_s"].get<double>());
  EXPECT_DOUBLE_EQ(c["grouped_gemm"]["time_s"].get<double>(), b["grouped_gemm"]["time_s"].get<double>());
  EXPECT_EQ(error_key(kGlam, {"compute.calibration.gemm=0"}), "compute.calibration.gemm");
  EXPECT_EQ(error_key(kGlam, {"compute.calibration.matmul=1.1"}), "compute.calibration.matmul");
}

TEST(ComputeEffects, FusedAttentionRunsAtTheMeasuredKernelOfEachGeneration) {
  // Forward + backward at 3.5 forward FLOPs: Hopper at FlashAttention-3's rates (Shah et al. 2024 Figs. 5-6,
  // 3.5 / (1/fwd + 2.5/bwd)), Ampere at FlashAttention-2's (flash-attention benchmark plots).
  workloads::RunSpec run;
  run.compute.attention = workloads::AttentionKernel::kFused;
  const auto rate = [&](const char* chip, double d_head, double sequence) {
    const auto c = make_compute(topologies::find_accelerator(chip), run, workloads::KeyLines{});
    const double flops = 1e15;
    return flops / c.fused_attention(flops, d_head, sequence).time_s / 1e12;
  };
  EXPECT_NEAR(rate("h100-sxm", 128, 16384), 3.5 / (1 / 648.0 + 2.5 / 561.0), 0.5);  // 583
  EXPECT_NEAR(rate("h100-sxm", 64, 16384), 3.5 / (1 / 497.0 + 2.5 / 474.0), 0.5);   // 480
  EXPECT_NEAR(rate("h100-sxm", 128, 512), 3.5 / (1 / 467.0 + 2.5 / 316.0), 0.5);    // 348
  EXPECT_NEAR(rate("h800-sxm", 128, 16384), rate("h100-sxm", 128, 16384), 1e-9);
  EXPECT_NEAR(rate("a100-sxm", 128, 16384), 203.0, 0.5);
}

TEST(ComputeEffects, TheOutputHeadAndRouterStayOutsideTheFp8Recipe) {
  // With FP8 GEMMs the output head and the router run in the activation format (bf16); without a narrow
  // matmul format they are ordinary GEMMs.
  workloads::RunSpec run;
  const auto& h100 = topologies::find_accelerator("h100-sxm");
  const double m = 8192, n = 32064, k = 8192;
  const auto bf16 = make_compute(h100, run, workloads::KeyLines{});
  EXPECT_DOUBLE_EQ(bf16.gemm_outside_recipe(m, n, k).time_s, bf16.gemm(m, n, k).time_s);
  run.training.matmul_precision = "fp8";
  const auto fp8 = make_compute(h100, run, workloads::KeyLines{});
  EXPECT_DOUBLE_EQ(fp8.gemm_outside_recipe(m, n, k).time_s, bf16.gemm(m, n, k).time_s);
  EXPECT_LT(fp8.gemm(m, n, k).time_s, 0.6 * bf16.gemm(m, n, k).time_s);
}

TEST(ComputeEffects, FusedAttentionAndEinsumDispatchNeedWhatTheyModel) {
  // FlashAttention throughput was measured on A100/H100: fused attention is faster there...
  const auto fused = simulate(kGlam, {"compute.attention=fused"});
  EXPECT_LT(fused["compute_by_family"]["attention"]["time_s"].get<double>(),
            simulate(kGlam)["compute_by_family"]["attention"]["time_s"].get<double>());
  // ...and unknown on TPUs.
  EXPECT_EQ(error_key(kGlam, {"cluster.preset=tpuv4-pod", "compute.attention=fused"}), "compute.attention");
  EXPECT_EQ(error_key(kGlam, {"compute.einsum_dispatch_group=1024"}), "compute.einsum_dispatch_group");
  const auto einsum = simulate(kGlam, {"simulation.dispatch=padded", "compute.einsum_dispatch_group=1024"});
  const auto padded = simulate(kGlam, {"simulation.dispatch=padded"});
  EXPECT_GT(einsum["compute_by_family"]["gemm"]["time_s"].get<double>(),
            padded["compute_by_family"]["gemm"]["time_s"].get<double>());
  EXPECT_EQ(error_key(kGlam, {"compute.dropouts=true"}), "compute.dropouts");
}

}  // namespace
}  // namespace moesim::sim
