// The analytic backend: textbook cases exact, known results reproduced.
#include <gtest/gtest.h>

#include <numeric>

#include "sim/collectives/collective.h"
#include "sim/network/network_backend.h"
#include "tests/network/test_fabrics.h"

namespace moesim::network {
namespace {

using collectives::Algorithm;
using collectives::CollectiveOp;

std::vector<int> iota_group(int n, int first = 0) {
  std::vector<int> g(n);
  std::iota(g.begin(), g.end(), first);
  return g;
}

double time_of(const topologies::Topology& t, CollectiveOp op, Algorithm a, std::vector<int> group,
               double bytes, const collectives::ByteMatrix* m = nullptr) {
  auto backend = make_backend(BackendKind::kAnalytic, t);
  return backend->simulate(collectives::build_schedule({op, a, std::move(group), bytes, m}, t)).time_s;
}

TEST(AnalyticBackend, RingAllReduceOnARingIsTextbookExact) {
  const int n = 8;
  const double bw = 100e9, lat = 1e-6, bytes = 64e6;
  testing::RingFabric ring(n, bw, lat);
  const collectives::LibraryParams p;
  // 2(n-1) steps of S/n over one link each: 2(n-1)/n · S/B, plus per step link latency + NCCL step cost.
  const double expected =
      p.launch_s + 2.0 * (n - 1) / n * bytes / bw + 2 * (n - 1) * (lat + p.step_inter_node_s);
  EXPECT_NEAR(time_of(ring, CollectiveOp::kAllReduce, Algorithm::kRing, iota_group(n), bytes), expected,
              1e-12 * expected);
}

TEST(AnalyticBackend, RingAllReduceBusBandwidthApproachesLinkBandwidth) {
  const double bw = 100e9;
  testing::RingFabric ring(16, bw, 1e-6);
  auto busbw = [&](double bytes) {
    const double t = time_of(ring, CollectiveOp::kAllReduce, Algorithm::kRing, iota_group(16), bytes);
    return bytes / t * collectives::bus_bandwidth_factor(CollectiveOp::kAllReduce, 16);
  };
  EXPECT_GT(busbw(8e9), 0.99 * bw);
  EXPECT_LE(busbw(8e9), bw);
  EXPECT_LT(busbw(1e6), 0.5 * bw);  // latency-bound for small messages
  EXPECT_LT(busbw(1e6), busbw(64e6));
}

TEST(AnalyticBackend, HierarchicalAllToAllBeatsDirectWithSlowInterNodeLinks) {
  // 8 DGX-like nodes of 8 GPUs: NVLink 450 GB/s, one 100 Gb/s NIC per GPU (slow inter-node tier).
  testing::TwoTierFabric f(8, 8, 450e9, 0.5e-6, 12.5e9, 2e-6);
  const double bytes = 512e3;  // 8 KB per pair: MoE dispatch at high expert-parallel degree
  const double direct = time_of(f, CollectiveOp::kAllToAll, Algorithm::kDirect, iota_group(64), bytes);
  const double hier = time_of(f, CollectiveOp::kAllToAll, Algorithm::kHierarchical, iota_group(64), bytes);
  const double pairwise = time_of(f, CollectiveOp::kAllToAll, Algorithm::kPairwise, iota_group(64), bytes);
  EXPECT_LT(hier, 0.8 * direct);
  EXPECT_LT(direct, pairwise);  // 63 synchronised rounds pay 63 step latencies
}

TEST(AnalyticBackend, SkewedAllToAllIsSlowerThanUniformWithEqualBytes) {
  testing::TwoTierFabric f(4, 8, 450e9, 0.5e-6, 50e9, 2e-6);
  const auto uniform = collectives::uniform_all_to_all(32, 64e6);
  const auto skewed = collectives::zipf_all_to_all(32, 64e6, 1.2, 11);
  ASSERT_NEAR(uniform.total(), skewed.total(), 1e-3);
  const double tu = time_of(f, CollectiveOp::kAllToAll, Algorithm::kDirect, iota_group(32), 64e6, &uniform);
  const double ts = time_of(f, CollectiveOp::kAllToAll, Algorithm::kDirect, iota_group(32), 64e6, &skewed);
  EXPECT_GT(ts, 2 * tu);  // the hottest destination's NIC receives far more than 1/n of the traffic
}

TEST(AnalyticBackend, ConcurrentCollectivesShareLinksOnlyWhenTheyOverlap) {
  testing::TwoTierFabric f(2, 8, 450e9, 0.5e-6, 50e9, 2e-6);
  auto backend = make_backend(BackendKind::kAnalytic, f);
  auto ar = [&](std::vector<int> g) {
    return collectives::build_schedule({CollectiveOp::kAllReduce, Algorithm::kRing, std::move(g), 256e6}, f);
  };
  const double one = backend->simulate(ar(iota_group(16))).time_s;
  const auto same = backend->simulate({ar(iota_group(16)), ar(iota_group(16))});
  EXPECT_GT(same.time_s, 1.9 * one);
  ASSERT_EQ(same.schedule_end_s.size(), 2u);
  // Two 8-device groups on different nodes use disjoint links: no slowdown versus alone.
  const double alone = backend->simulate(ar(iota_group(8))).time_s;
  const auto disjoint = backend->simulate({ar(iota_group(8)), ar(iota_group(8, 8))});
  EXPECT_NEAR(disjoint.time_s, alone, 1e-12);
}

TEST(AnalyticBackend, CountersSplitBytesByTierAndFindTheBusiestLink) {
  testing::TwoTierFabric f(2, 4, 400e9, 1e-6, 50e9, 1e-6);
  BackendOptions opt;
  opt.keep_link_bytes = true;
  auto backend = make_backend(BackendKind::kAnalytic, f, opt);
  const auto r = backend->simulate(
      collectives::build_schedule({CollectiveOp::kAllToAll, Algorithm::kDirect, iota_group(8), 8e6}, f));
  // Each rank sends 1 MB to each of 7 peers: 3 intra (2 NVLink hops), 4 inter (2 NIC hops).
  ASSERT_EQ(r.tier_bytes.size(), 2u);
  EXPECT_NEAR(r.tier_bytes[0], 8 * 3 * 1e6 * 2, 1e-3);
  EXPECT_NEAR(r.tier_bytes[1], 8 * 4 * 1e6 * 2, 1e-3);
  EXPECT_EQ(f.link(r.busiest_link).tier, 1);  // a NIC link
  EXPECT_NEAR(r.busiest_link_bytes, 4e6, 1e-6);
  EXPECT_GT(r.busiest_link_utilisation, 0.5);
  EXPECT_LE(r.busiest_link_utilisation, 1.0);
  EXPECT_EQ(r.link_bytes.size(), f.link_count());
}

TEST(AnalyticBackend, ParseBackendNames) {
  EXPECT_EQ(parse_backend("ptask"), BackendKind::kPtask);
  EXPECT_EQ(backend_name(BackendKind::kFlow), "flow");
  EXPECT_THROW(parse_backend("ns3"), std::invalid_argument);
}

}  // namespace
}  // namespace moesim::network
