// One whole training step, end to end (sim::simulate_scenario with the analytic backend), at scale.
// Targets: GLaM 64B/64E (Du et al. 2022) on 16,384 H100 in < 60 s and < 4 GB peak RSS; DeepSeek-V3's
// pipelined pre-training layout on 2,048 H800 (PP16 x EP64, 60 micro-batches, 5.8 million ops) in < 30 s.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <string>
#include <vector>

#include "reports/scenario_run.h"

namespace {

/// Peak resident set of this process so far, bytes (getrusage: ru_maxrss is in KiB on Linux).
double peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) * 1024.0;
}

void run_step(benchmark::State& state, const std::string& scenario,
              const std::vector<std::string>& overrides) {
  const std::string path = std::string(MOESIM_SOURCE_DIR) + "/" + scenario;
  double step_s = 0;
  for (auto _ : state) step_s = moesim::reports::simulate_scenario_file(path, overrides, {})["step_time_s"];
  state.counters["step_s"] = step_s;
  state.counters["peak_rss_GB"] = peak_rss_bytes() / 1e9;
}

std::vector<std::string> scaled(int devices, int sequences) {
  return {"cluster.devices=" + std::to_string(devices), "cluster.fabric.levels=3",
          "parallelism.data=" + std::to_string(devices),
          "training.global_batch_sequences=" + std::to_string(sequences)};
}

/// GLaM 64B/64E on 16,384 H100: one 1,024-token sequence per GPU, expert groups of 64.
void BM_Glam64bStep16k(benchmark::State& state) {
  run_step(state, "examples/glam-64b64e-h100.yaml", scaled(16384, 16384));
}
/// GLaM 64B/64E on the example's 256 H100.
void BM_Glam64bStep256(benchmark::State& state) {
  run_step(state, "examples/glam-64b64e-h100.yaml", {});
}

/// DeepSeek-V3 on 2,048 H800 as the validation runs it: 64 simulated devices per stage, 16 stages.
void BM_DeepseekV3Step2048(benchmark::State& state) {
  run_step(state, "tests/validation/scenarios/deepseek-v3-h800-2048.yaml", {});
}

}  // namespace

// The 16k step first: peak RSS is per process and only grows.
BENCHMARK(BM_Glam64bStep16k)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK(BM_Glam64bStep256)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK(BM_DeepseekV3Step2048)->Iterations(1)->Unit(benchmark::kSecond);

BENCHMARK_MAIN();
