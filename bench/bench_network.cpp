// Simulator wall time of the network models on the real cluster presets.
// Targets: analytic all-to-all over 2,048 DGX H100 GPUs < 0.1 s; all-reduce over 16,384 < 10 ms;
// SimGrid ptask all-to-all at 1,024 < 10 s.
//
// SimGrid allows one engine per process: the ptask and flow backends run every simulate() call in a
// forked child (BackendOptions::isolate, the default), so each Google Benchmark iteration is one fresh
// process; the measured time includes fork + platform construction, which is what a user pays.
#include <benchmark/benchmark.h>

#include <numeric>

#include "sim/collectives/collective.h"
#include "sim/network/network_backend.h"
#include "topologies/cluster_spec.h"
#include "topologies/topology_factory.h"
#include "workloads/yaml_reader.h"

namespace {

using moesim::collectives::Algorithm;
using moesim::collectives::CollectiveOp;
using moesim::network::BackendKind;

/// The DGX H100 SuperPOD preset at `devices` GPUs (three levels above 2,048, as the RA's larger pods).
std::unique_ptr<moesim::topologies::Topology> superpod(int devices) {
  std::string yaml = "preset: dgx-h100-superpod\ndevices: " + std::to_string(devices) + "\n";
  if (devices > 2048) yaml += "fabric: {levels: 3}\n";
  const moesim::YamlMap c(YAML::Load(yaml), "<bench>", "cluster");
  return moesim::topologies::make_topology(moesim::topologies::parse_cluster(c));
}

moesim::collectives::CollectiveRequest request(CollectiveOp op, Algorithm a, int n, double bytes) {
  moesim::collectives::CollectiveRequest r;
  r.op = op;
  r.algorithm = a;
  r.group.resize(static_cast<std::size_t>(n));
  std::iota(r.group.begin(), r.group.end(), 0);
  r.bytes = bytes;
  return r;
}

/// Plan (the library's tuner, or one algorithm) + the backend's run of the plan, per iteration.
void run(benchmark::State& state, BackendKind kind, CollectiveOp op, Algorithm a, double bytes) {
  const int n = static_cast<int>(state.range(0));
  const auto topo = superpod(n);
  const moesim::collectives::CollectiveModel model(*topo);
  auto backend = moesim::network::make_backend(kind, *topo);
  const auto r = request(op, a, n, bytes);
  double simulated_s = 0;
  std::string label;
  for (auto _ : state) {
    const auto plan = model.plan(r);
    simulated_s = backend->simulate(plan.schedule).time_s;
    label = plan.label();
  }
  state.counters["simulated_ms"] = simulated_s * 1e3;
  state.SetLabel(label);
}

void BM_AnalyticAllToAllDirect(benchmark::State& s) {
  run(s, BackendKind::kAnalytic, CollectiveOp::kAllToAll, Algorithm::kDirect, 64e6);
}
void BM_AnalyticAllToAllAuto(benchmark::State& s) {
  run(s, BackendKind::kAnalytic, CollectiveOp::kAllToAll, Algorithm::kAuto, 64e6);
}
void BM_AnalyticAllReduceAuto(benchmark::State& s) {
  run(s, BackendKind::kAnalytic, CollectiveOp::kAllReduce, Algorithm::kAuto, 1 << 30);
}
void BM_PtaskAllToAll(benchmark::State& s) {
  run(s, BackendKind::kPtask, CollectiveOp::kAllToAll, Algorithm::kDirect, 64e6);
}
void BM_PtaskAllReduce(benchmark::State& s) {
  run(s, BackendKind::kPtask, CollectiveOp::kAllReduce, Algorithm::kAuto, 1 << 30);
}
void BM_FlowAllToAll(benchmark::State& s) {
  run(s, BackendKind::kFlow, CollectiveOp::kAllToAll, Algorithm::kDirect, 64e6);
}

}  // namespace

BENCHMARK(BM_AnalyticAllToAllDirect)->Arg(256)->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AnalyticAllToAllAuto)->Arg(256)->Arg(2048)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AnalyticAllReduceAuto)->Arg(256)->Arg(2048)->Arg(16384)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PtaskAllToAll)->Arg(256)->Arg(1024)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK(BM_PtaskAllReduce)->Arg(256)->Arg(1024)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK(BM_FlowAllToAll)->Arg(64)->Arg(256)->Iterations(1)->Unit(benchmark::kSecond);

BENCHMARK_MAIN();
