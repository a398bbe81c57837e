// SimGrid backends (ptask, flow) against the analytic one. Each SimGrid run happens in a forked child
// (BackendOptions::isolate), so one TEST may compare backends without two engines in one process.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "sim/collectives/collective.h"
#include "sim/network/network_backend.h"
#include "sim/network/simgrid_backend.h"
#include "tests/network/test_fabrics.h"

namespace moesim::network {
namespace {

using collectives::Algorithm;
using collectives::CollectiveOp;

std::vector<int> iota_group(int n) {
  std::vector<int> g(n);
  std::iota(g.begin(), g.end(), 0);
  return g;
}

Schedule schedule_of(const topologies::Topology& t, CollectiveOp op, Algorithm a, std::vector<int> group,
                     double bytes, const collectives::ByteMatrix* m = nullptr) {
  collectives::CollectiveRequest r;
  r.op = op;
  r.algorithm = a;
  r.group = std::move(group);
  r.bytes = bytes;
  r.matrix = m;
  return collectives::CollectiveModel(t).schedule(r, a, collectives::Protocol::kSimple);
}

struct Times {
  double analytic, ptask, flow;
};

Times all_backends(const topologies::Topology& t, const Schedule& s) {
  return {make_backend(BackendKind::kAnalytic, t)->simulate(s).time_s,
          make_backend(BackendKind::kPtask, t)->simulate(s).time_s,
          make_backend(BackendKind::kFlow, t)->simulate(s).time_s};
}

void expect_agree(const Times& t, double tolerance, const std::string& what) {
  const double lo = std::min({t.analytic, t.ptask, t.flow});
  const double hi = std::max({t.analytic, t.ptask, t.flow});
  EXPECT_LE(hi, lo * (1 + tolerance))
      << what << ": analytic " << t.analytic << " s, ptask " << t.ptask << " s, flow " << t.flow << " s";
  std::cout << what << ": analytic " << t.analytic << " s, ptask " << t.ptask << " s, flow " << t.flow
            << " s\n";
}

TEST(SimGridBackends, PtaskRingAllReduceOnARingIsTextbook) {
  testing::RingFabric ring(8, 100e9, 1e-6);
  const auto s = schedule_of(ring, CollectiveOp::kAllReduce, Algorithm::kRing, iota_group(8), 64e6);
  const double expected = s.launch_s + 14.0 / 8 * 64e6 / 100e9;
  EXPECT_NEAR(make_backend(BackendKind::kPtask, ring)->simulate(s).time_s, expected, 1e-6 * expected);
  EXPECT_NEAR(make_backend(BackendKind::kFlow, ring)->simulate(s).time_s, expected, 1e-6 * expected);
}

// 16 endpoints (2 nodes × 8) and 64 endpoints (8 × 8), DGX-like: NVLink 450 GB/s, 400 Gb/s NIC per GPU.
class Agreement : public ::testing::TestWithParam<int> {};

TEST_P(Agreement, AllToAllDirect) {
  testing::TwoTierFabric f(GetParam() / 8, 8, 450e9, 1e-6, 50e9, 2e-6);
  const auto s = schedule_of(f, CollectiveOp::kAllToAll, Algorithm::kDirect, iota_group(GetParam()), 64e6);
  expect_agree(all_backends(f, s), 0.10, "all-to-all " + std::to_string(GetParam()));
}

TEST_P(Agreement, AllToAllHierarchical) {
  testing::TwoTierFabric f(GetParam() / 8, 8, 450e9, 1e-6, 50e9, 2e-6);
  const auto s =
      schedule_of(f, CollectiveOp::kAllToAll, Algorithm::kHierarchical, iota_group(GetParam()), 64e6);
  expect_agree(all_backends(f, s), 0.10, "hierarchical all-to-all " + std::to_string(GetParam()));
}

TEST_P(Agreement, AllReduceRing) {
  testing::TwoTierFabric f(GetParam() / 8, 8, 450e9, 1e-6, 50e9, 2e-6);
  const auto s = schedule_of(f, CollectiveOp::kAllReduce, Algorithm::kRing, iota_group(GetParam()), 256e6);
  expect_agree(all_backends(f, s), 0.10, "ring all-reduce " + std::to_string(GetParam()));
}

TEST_P(Agreement, AllReduceTree) {
  testing::TwoTierFabric f(GetParam() / 8, 8, 450e9, 1e-6, 50e9, 2e-6);
  const auto s = schedule_of(f, CollectiveOp::kAllReduce, Algorithm::kTree, iota_group(GetParam()), 64e6);
  expect_agree(all_backends(f, s), 0.10, "tree all-reduce " + std::to_string(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(Endpoints, Agreement, ::testing::Values(16, 64));

TEST(SimGridBackends, SkewedAllToAllWhereFlowAndAnalyticDiffer) {
  // Uneven sizes: in the analytic/ptask model every transfer of the phase runs at the bottleneck's pace;
  // flows on unloaded NICs finish early and free nothing the hot NIC needs, so the phase end (the hot
  // destination's NIC draining) is the same within 10%.
  testing::TwoTierFabric f(4, 8, 450e9, 1e-6, 50e9, 2e-6);
  const auto m = collectives::zipf_all_to_all(32, 64e6, 1.2, 5);
  const auto s = schedule_of(f, CollectiveOp::kAllToAll, Algorithm::kDirect, iota_group(32), 64e6, &m);
  expect_agree(all_backends(f, s), 0.10, "skewed all-to-all 32");
}

TEST(SimGridBackends, ConcurrentCollectivesShareLinksInPtask) {
  testing::TwoTierFabric f(2, 8, 450e9, 1e-6, 50e9, 2e-6);
  const auto s = schedule_of(f, CollectiveOp::kAllToAll, Algorithm::kDirect, iota_group(16), 64e6);
  auto backend = make_backend(BackendKind::kPtask, f);
  const double one = backend->simulate(s).time_s;
  const auto two = backend->simulate({s, s});
  EXPECT_GT(two.time_s, 1.8 * one);
  EXPECT_EQ(two.schedule_end_s.size(), 2u);
}

TEST(SimGridBackends, FlowBackendRefusesLargeGroups) {
  const int n = kFlowMaxEndpoints + 8;
  testing::TwoTierFabric f(n / 8, 8, 450e9, 1e-6, 50e9, 2e-6);
  const auto s = schedule_of(f, CollectiveOp::kAllToAll, Algorithm::kDirect, iota_group(n), 1e6);
  EXPECT_THROW(make_backend(BackendKind::kFlow, f)->simulate(s), std::invalid_argument);
}

TEST(SimGridBackends, WithoutIsolationOnlyOneSimulationPerProcess) {
  testing::RingFabric ring(4, 10e9, 1e-6);
  const auto s = schedule_of(ring, CollectiveOp::kAllGather, Algorithm::kRing, iota_group(4), 4e6);
  BackendOptions opt;
  opt.isolate = false;
  auto backend = make_backend(BackendKind::kPtask, ring, opt);
  EXPECT_GT(backend->simulate(s).time_s, 0.0);
  EXPECT_THROW(backend->simulate(s), std::logic_error);
}

}  // namespace
}  // namespace moesim::network
