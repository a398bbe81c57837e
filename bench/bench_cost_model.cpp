// Kernel cost model lookups on real preset shapes (the step builder asks a few dozen per layer and pass):
// the GEMM shape model alone, and the profile-corrected model inside and outside the committed H100
// profile's range.
#include <benchmark/benchmark.h>

#include "kernels/kernel_cost_model.h"

using namespace moesim::kernels;

namespace {
// H100 SXM in bf16 (topologies/accelerator.cpp has the sources).
ChipModel h100() {
  return ChipModel{ChipModel::Unit::kGpuSm, 132, 1, 0, 989e12, 794.5 / 989, 3.35e12, 2.97 / 3.35, 4e-6};
}
ChipModel tpuv3() {
  return ChipModel{ChipModel::Unit::kTpuMxu, 2, 2, 128, 123e12, 0.996, 900e9, 0.86, 0.0};
}
const KernelCostModel& profiled() {
  static const KernelCostModel m(h100(), read_profile_db(MOESIM_SOURCE_DIR "/kernels/profiles/h100.json"));
  return m;
}
}  // namespace

// GLaM 64B/64E attention projection on one GPU: [4096 tokens, 8192] x [8192, 3 x 8192].
static void BM_GemmShapeModelGpu(benchmark::State& state) {
  const ChipModel c = h100();
  for (auto _ : state) benchmark::DoNotOptimize(estimate_gemm(c, {4096, 24576, 8192}));
}
BENCHMARK(BM_GemmShapeModelGpu);

// Switch-Base's 8 local experts on a TPU v3 chip: [1024 rows, 768] x [768, 3072] per expert.
static void BM_GemmShapeModelTpu(benchmark::State& state) {
  const ChipModel c = tpuv3();
  for (auto _ : state) benchmark::DoNotOptimize(estimate_gemm(c, {1024, 3072, 768, 8}));
}
BENCHMARK(BM_GemmShapeModelTpu);

// Inside the profile: interpolated between measured families (d_model 2048, 16 experts, top-4, GLU).
static void BM_MoeKernelMeasured(benchmark::State& state) {
  const KernelCostModel& m = profiled();
  const KernelShape s{6000, 2048, 2048, 16, 4, true, 0.0};
  for (auto _ : state) benchmark::DoNotOptimize(m.kernel(KernelKind::kExpertUp, s));
}
BENCHMARK(BM_MoeKernelMeasured);

// Outside it: GLaM-1.7B/64E with one expert per GPU (d_ff 8192 was never profiled).
static void BM_MoeKernelShapeModel(benchmark::State& state) {
  const KernelCostModel& m = profiled();
  const KernelShape s{4096, 2048, 8192, 1, 2, false, 0.0};
  for (auto _ : state) benchmark::DoNotOptimize(m.kernel(KernelKind::kExpertUp, s));
}
BENCHMARK(BM_MoeKernelShapeModel);

// A backward expert GEMM (weight gradient) looked up in the grouped-GEMM table.
static void BM_GroupedGemmMeasured(benchmark::State& state) {
  const KernelCostModel& m = profiled();
  for (auto _ : state) benchmark::DoNotOptimize(m.grouped_gemm({2048, 2048, 1024, 16}));
}
BENCHMARK(BM_GroupedGemmMeasured);

BENCHMARK_MAIN();
