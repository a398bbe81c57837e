// KernelCostModel lookups (the step simulator asks one per kernel per layer per step): measured
// interpolation against the committed H100 profile, and the roofline fallback.
#include <benchmark/benchmark.h>

#include "kernels/kernel_cost_model.h"

using namespace moesim::kernels;

static void BM_CostModelMeasured(benchmark::State& state) {
  const KernelCostModel m(read_profile_db(MOESIM_SOURCE_DIR "/kernels/profiles/h100.json"));
  KernelShape s{6000, 4096, 4096, 8, 2, false, 0.0};  // between the measured 4096 and 16384 tokens
  for (auto _ : state) benchmark::DoNotOptimize(m.estimate(KernelKind::kExpertUp, s));
}
BENCHMARK(BM_CostModelMeasured);

static void BM_CostModelRoofline(benchmark::State& state) {
  const KernelCostModel m(read_profile_db(MOESIM_SOURCE_DIR "/kernels/profiles/h100.json"));
  KernelShape s{6000, 12288, 49152, 64, 2, false, 0.0};  // not measured
  for (auto _ : state) benchmark::DoNotOptimize(m.estimate(KernelKind::kExpertUp, s));
}
BENCHMARK(BM_CostModelRoofline);

BENCHMARK_MAIN();
