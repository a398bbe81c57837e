// The layout search of `moesim plan`: GLaM 64B/64E on 1,024 H100 (a DGX H100 SuperPOD), the paper's batch of
// 1,024 sequences of 1,024 tokens, Adam in bf16. Target: at least 500 layouts simulated in under 60 s on
// 2 cores. The plan below (tensor inside a node, pipeline up to 4, up to 4 micro-batches, no interleaving,
// every ZeRO stage and recompute mode, sequence parallelism with tensor > 1) has 3,168 valid layouts, of
// which the memory model prunes 2,354 before anything is simulated; the 814 others are simulated.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include "plan/plan_document.h"
#include "plan/planner.h"

namespace {

constexpr const char* kScenario = R"(
name: glam-64b64e-h100-1024
model: {preset: glam-64b-64e}
cluster: {preset: dgx-h100-superpod}
parallelism: {data: 1024, expert: 64, zero: 3}
training: {global_batch_sequences: 1024, sequence_length: 1024, total_tokens: 600B, precision: bf16,
           optimizer: adam, recompute: full}
simulation: {backend: analytic, routing: {distribution: zipf, zipf_s: 0.8, seed: 3}}
energy: {pue: 1.2, grid_kgco2e_per_kwh: 0.429, host_power_w_per_node: 2000 W}
cost: {usd_per_accelerator_hour: 2.50}
plan: {max_pipeline: 4, max_micro_batches: 4, max_virtual_stages: 1}
)";

/// CPU seconds of this process and of its waited-for children (the forked workers) so far.
double cpu_seconds() {
  double s = 0;
  for (const int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage u{};
    ::getrusage(who, &u);
    s += static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
  }
  return s;
}

void BM_PlanGlam64bOn1024H100(benchmark::State& state) {
  const auto problem = moesim::plan::read_plan_problem(YAML::Load(kScenario), "bench_plan");
  moesim::plan::SearchOptions options;
  options.jobs = static_cast<int>(state.range(0));
  moesim::plan::PlanResult result;
  const double cpu_before = cpu_seconds();
  for (auto _ : state) result = moesim::plan::search_layouts(problem, options);
  const double cpu_s = cpu_seconds() - cpu_before;
  const auto doc = moesim::plan::plan_document(problem, result, options);
  state.counters["valid"] = static_cast<double>(result.candidate_layouts);
  state.counters["pruned"] = static_cast<double>(result.pruned_layouts);
  state.counters["evaluated"] = static_cast<double>(result.evaluated_layouts);
  state.counters["layouts_per_s"] = static_cast<double>(result.evaluated_layouts) / result.wall_s;
  // What the search costs whatever else runs on the machine: CPU seconds of all its processes.
  state.counters["cpu_s"] = cpu_s;
  state.counters["layouts_per_cpu_s"] = static_cast<double>(result.evaluated_layouts) / cpu_s;
  state.counters["cache_hit_rate"] =
      static_cast<double>(result.cache.hits) / static_cast<double>(result.cache.hits + result.cache.misses);
  state.counters["best_step_ms"] = doc.at("layouts").at(0).at("step_time_s").get<double>() * 1e3;
  state.SetLabel(doc.at("layouts").at(0).at("label").get<std::string>());
}

}  // namespace

BENCHMARK(BM_PlanGlam64bOn1024H100)
    ->ArgName("jobs")
    ->Arg(2)
    ->Arg(1)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

BENCHMARK_MAIN();
