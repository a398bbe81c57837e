// Speed of the topology module at the scales MoE training uses: building the graph, routing every pair of
// an all-to-all, and the link loads of an all-to-all (aggregated path, dense matrix, per-pair reference).
#include <benchmark/benchmark.h>

#include "topologies/cluster_presets.h"
#include "topologies/link_loads.h"
#include "topologies/topology_factory.h"

namespace {

using namespace moesim::topologies;

ClusterSpec spec_for(const std::string& preset, int devices) {
  ClusterSpec spec = find_cluster_preset(preset)->spec;
  spec.devices = devices;
  if (spec.fabric == FabricType::kTorus) spec.torus.dims = torus_shape(devices, 3, spec.torus.cube);
  return spec;
}

void BM_BuildGraph(benchmark::State& state, const std::string& preset) {
  const ClusterSpec spec = spec_for(preset, static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto t = make_topology(spec);
    benchmark::DoNotOptimize(t->link_count());
  }
}

/// route() for all N(N-1) ordered pairs, counting the hops (the route lookup alone; what a consumer does with
/// the hops is measured by BM_LinkLoadsPerPair).
void BM_RouteAllPairs(benchmark::State& state, const std::string& preset) {
  const auto t = make_topology(spec_for(preset, static_cast<int>(state.range(0))));
  const int n = t->device_count();
  std::vector<RouteHop> hops;
  for (auto _ : state) {
    std::size_t total = 0;
    for (int s = 0; s < n; ++s) {
      for (int d = 0; d < n; ++d) {
        t->route(s, d, hops);
        benchmark::DoNotOptimize(hops.data());
        total += hops.size();
      }
    }
    state.counters["hops"] = static_cast<double>(total);
  }
  state.counters["pairs"] = static_cast<double>(n) * (n - 1);
}

void BM_LinkLoadsUniform(benchmark::State& state, const std::string& preset) {
  const auto t = make_topology(spec_for(preset, static_cast<int>(state.range(0))));
  const int n = t->device_count();
  const auto traffic = TrafficMatrix::uniform_all_to_all(n, 1e6, n);
  for (auto _ : state) benchmark::DoNotOptimize(compute_link_loads(*t, traffic).tier_bytes);
}

void BM_LinkLoadsDense(benchmark::State& state, const std::string& preset) {
  const auto t = make_topology(spec_for(preset, static_cast<int>(state.range(0))));
  const int n = t->device_count();
  const auto traffic = TrafficMatrix::dense(n, std::vector<double>(static_cast<std::size_t>(n) * n, 1e6));
  for (auto _ : state) benchmark::DoNotOptimize(compute_link_loads(*t, traffic).tier_bytes);
}

void BM_LinkLoadsPerPair(benchmark::State& state, const std::string& preset) {
  const auto t = make_topology(spec_for(preset, static_cast<int>(state.range(0))));
  const int n = t->device_count();
  const auto traffic = TrafficMatrix::uniform_all_to_all(n, 1e6, n);
  for (auto _ : state) benchmark::DoNotOptimize(compute_link_loads_per_pair(*t, traffic).tier_bytes);
}

#define MOESIM_SIZES ->Arg(256)->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond)
BENCHMARK_CAPTURE(BM_BuildGraph, dgx_h100, std::string("dgx-h100-superpod")) MOESIM_SIZES;
BENCHMARK_CAPTURE(BM_BuildGraph, tpuv4, std::string("tpuv4-pod")) MOESIM_SIZES;
BENCHMARK_CAPTURE(BM_RouteAllPairs, dgx_h100, std::string("dgx-h100-superpod")) MOESIM_SIZES;
BENCHMARK_CAPTURE(BM_RouteAllPairs, tpuv4, std::string("tpuv4-pod")) MOESIM_SIZES;
BENCHMARK_CAPTURE(BM_LinkLoadsUniform, dgx_h100, std::string("dgx-h100-superpod")) MOESIM_SIZES;
BENCHMARK_CAPTURE(BM_LinkLoadsUniform, tpuv4, std::string("tpuv4-pod")) MOESIM_SIZES;
BENCHMARK_CAPTURE(BM_LinkLoadsDense, dgx_h100, std::string("dgx-h100-superpod")) MOESIM_SIZES;
BENCHMARK_CAPTURE(BM_LinkLoadsPerPair, dgx_h100, std::string("dgx-h100-superpod")) MOESIM_SIZES;

}  // namespace

BENCHMARK_MAIN();
