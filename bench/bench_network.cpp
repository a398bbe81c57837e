// Simulator wall time per network backend at 64, 256, 1,024 and 2,048 endpoints.
// Targets (issue 4): analytic all-to-all at 2,048 endpoints < 1 s; ptask all-to-all at 1,024 < 10 s.
//
// Fabric: DGX-like servers of 8 GPUs (NVLink 450 GB/s to an NVSwitch) with one 400 Gb/s NIC per GPU into a
// non-blocking core switch (tests/network/test_fabrics.h, TwoTierFabric).
// SimGrid allows one engine per process: the ptask and flow backends run every simulate() call in a
// forked child (BackendOptions::isolate, the default), so each Google Benchmark iteration is one fresh
// process; the measured time includes fork + platform construction, which is what a user pays.
#include <benchmark/benchmark.h>

#include <numeric>

#include "sim/collectives/collective.h"
#include "sim/network/network_backend.h"
#include "sim/network/simgrid_backend.h"
#include "tests/network/test_fabrics.h"

namespace {

using moesim::collectives::Algorithm;
using moesim::collectives::CollectiveOp;
using moesim::network::BackendKind;

moesim::network::Schedule make_schedule(const moesim::topologies::Topology& t, CollectiveOp op, Algorithm a,
                                        int n, double bytes) {
  std::vector<int> group(n);
  std::iota(group.begin(), group.end(), 0);
  moesim::collectives::CollectiveRequest r;
  r.op = op;
  r.algorithm = a;
  r.group = group;
  r.bytes = bytes;
  return moesim::collectives::build_schedule(r, t);
}

void run(benchmark::State& state, BackendKind kind, CollectiveOp op, Algorithm a) {
  const int n = static_cast<int>(state.range(0));
  moesim::testing::TwoTierFabric fabric(n / 8, 8, 450e9, 1e-6, 50e9, 2e-6);
  const auto schedule = make_schedule(fabric, op, a, n, 64e6);
  auto backend = moesim::network::make_backend(kind, fabric);
  double simulated_s = 0;
  for (auto _ : state) simulated_s = backend->simulate(schedule).time_s;
  state.counters["simulated_ms"] = simulated_s * 1e3;
  state.counters["transfers"] = static_cast<double>(schedule.transfer_count());
}

void BM_AnalyticAllToAll(benchmark::State& s) {
  run(s, BackendKind::kAnalytic, CollectiveOp::kAllToAll, Algorithm::kDirect);
}
void BM_AnalyticAllToAllHierarchical(benchmark::State& s) {
  run(s, BackendKind::kAnalytic, CollectiveOp::kAllToAll, Algorithm::kHierarchical);
}
void BM_AnalyticAllReduceRing(benchmark::State& s) {
  run(s, BackendKind::kAnalytic, CollectiveOp::kAllReduce, Algorithm::kRing);
}
void BM_PtaskAllToAll(benchmark::State& s) {
  run(s, BackendKind::kPtask, CollectiveOp::kAllToAll, Algorithm::kDirect);
}
void BM_PtaskAllReduceRing(benchmark::State& s) {
  run(s, BackendKind::kPtask, CollectiveOp::kAllReduce, Algorithm::kRing);
}
void BM_FlowAllToAll(benchmark::State& s) {
  run(s, BackendKind::kFlow, CollectiveOp::kAllToAll, Algorithm::kDirect);
}

/// Building the schedule itself (all-to-all: n(n-1) transfers).
void BM_BuildAllToAllSchedule(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  moesim::testing::TwoTierFabric fabric(n / 8, 8, 450e9, 1e-6, 50e9, 2e-6);
  for (auto _ : state)
    benchmark::DoNotOptimize(make_schedule(fabric, CollectiveOp::kAllToAll, Algorithm::kDirect, n, 64e6));
}

}  // namespace

BENCHMARK(BM_BuildAllToAllSchedule)->Arg(64)->Arg(256)->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AnalyticAllToAll)->Arg(64)->Arg(256)->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AnalyticAllToAllHierarchical)
    ->Arg(64)
    ->Arg(256)
    ->Arg(1024)
    ->Arg(2048)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AnalyticAllReduceRing)->Arg(64)->Arg(256)->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PtaskAllToAll)->Arg(64)->Arg(256)->Arg(1024)->Arg(2048)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK(BM_PtaskAllReduceRing)->Arg(64)->Arg(256)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK(BM_FlowAllToAll)->Arg(64)->Arg(256)->Iterations(1)->Unit(benchmark::kSecond);

BENCHMARK_MAIN();
