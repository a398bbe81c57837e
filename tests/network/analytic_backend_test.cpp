// The analytic backend: textbook cases exact, repeated phases equal their expansion, known results.
#include <gtest/gtest.h>

#include <numeric>

#include "sim/collectives/collective.h"
#include "sim/network/analytic_backend.h"
#include "sim/network/network_backend.h"
#include "tests/network/test_fabrics.h"
#include "topologies/cluster_spec.h"
#include "topologies/topology_factory.h"
#include "workloads/yaml_reader.h"

namespace moesim::network {
namespace {

using collectives::Algorithm;
using collectives::CollectiveOp;
using collectives::Protocol;

std::vector<int> iota_group(int n, int first = 0) {
  std::vector<int> g(n);
  std::iota(g.begin(), g.end(), first);
  return g;
}

collectives::CollectiveRequest req(CollectiveOp op, Algorithm a, std::vector<int> group, double bytes,
                                   const collectives::ByteMatrix* m = nullptr) {
  collectives::CollectiveRequest r;
  r.op = op;
  r.algorithm = a;
  r.group = std::move(group);
  r.bytes = bytes;
  r.matrix = m;
  return r;
}

Schedule schedule_of(const topologies::Topology& t, CollectiveOp op, Algorithm a, std::vector<int> group,
                     double bytes, const collectives::ByteMatrix* m = nullptr,
                     Protocol p = Protocol::kSimple) {
  return collectives::CollectiveModel(t).schedule(req(op, a, std::move(group), bytes, m), a, p);
}

double time_of(const topologies::Topology& t, const Schedule& s) {
  return make_backend(BackendKind::kAnalytic, t)->simulate(s).time_s;
}

std::unique_ptr<topologies::Topology> cluster(const std::string& yaml) {
  const YamlMap c(YAML::Load(yaml), "<test>", "cluster");
  return topologies::make_topology(topologies::parse_cluster(c));
}

TEST(AnalyticBackend, RingAllReduceOnARingIsTextbookExact) {
  const int n = 8;
  const double bw = 100e9, bytes = 64e6;
  testing::RingFabric ring(n, bw, 1e-6);  // no cluster description: links at line rate
  const auto s = schedule_of(ring, CollectiveOp::kAllReduce, Algorithm::kRing, iota_group(n), bytes);
  // NCCL's ring latency with one GPU per node: base 8.4 us + 2(n-1) steps at the network tree latency
  // 14 us (tuning.cc), x1.4 plateau; then 2(n-1) steps of S/n over one link each.
  EXPECT_NEAR(s.launch_s, 1.4 * (8.4e-6 + 14 * 14e-6), 1e-12);
  const double expected = s.launch_s + 2.0 * (n - 1) / n * bytes / bw;
  EXPECT_NEAR(time_of(ring, s), expected, 1e-12 * expected);
}

TEST(AnalyticBackend, RepeatedPhasesPriceAsTheirExpansion) {
  const auto t = cluster("preset: dgx-h100-superpod\ndevices: 64\n");
  const auto m = collectives::zipf_all_to_all(64, 16e6, 1.1, 5);
  const std::vector<Schedule> schedules = {
      schedule_of(*t, CollectiveOp::kAllReduce, Algorithm::kRing, iota_group(64), 1 << 28),
      schedule_of(*t, CollectiveOp::kAllReduce, Algorithm::kTree, iota_group(64), 1 << 28),
      schedule_of(*t, CollectiveOp::kAllReduce, Algorithm::kHierarchical2D, iota_group(64), 1 << 28),
      schedule_of(*t, CollectiveOp::kAllReduce, Algorithm::kNvlsTree, iota_group(64), 1 << 28),
      schedule_of(*t, CollectiveOp::kAllGather, Algorithm::kRing, iota_group(64), 1 << 28, nullptr,
                  Protocol::kLL),
      schedule_of(*t, CollectiveOp::kAllToAll, Algorithm::kDirect, iota_group(64), 16e6, &m),
      schedule_of(*t, CollectiveOp::kAllToAll, Algorithm::kPairwise, iota_group(64), 16e6, &m),
  };
  const LinkModel links = LinkModel::of(*t);
  for (const auto& s : schedules) {
    const double closed = analytic_time_s(s, *t, links);
    const double expanded = time_of(*t, expand_repeats(s));
    EXPECT_NEAR(closed, expanded, 1e-9 * expanded) << s.name;
    EXPECT_NEAR(time_of(*t, s), closed, 1e-9 * closed) << s.name;
  }
}

TEST(AnalyticBackend, RingBusBandwidthApproachesTheLinkAndSmallMessagesAreLatencyBound) {
  const double bw = 100e9;
  testing::RingFabric ring(16, bw, 1e-6);
  auto busbw = [&](double bytes) {
    const auto s = schedule_of(ring, CollectiveOp::kAllReduce, Algorithm::kRing, iota_group(16), bytes);
    return bytes / time_of(ring, s) * collectives::bus_bandwidth_factor(CollectiveOp::kAllReduce, 16);
  };
  EXPECT_GT(busbw(64e9), 0.99 * bw);
  EXPECT_LE(busbw(64e9), bw);
  EXPECT_LT(busbw(1e6), 0.5 * bw);
  EXPECT_LT(busbw(1e6), busbw(64e6));
}

TEST(AnalyticBackend, EfficiencyStretchesAndFloorsHold) {
  testing::RingFabric ring(4, 10e9, 1e-6);
  Schedule s;
  Phase p;
  p.transfers = {{0, 1, 1e9}};
  s.phases.push_back(p);
  const double base = time_of(ring, s);
  EXPECT_NEAR(base, 0.1, 1e-12);
  s.phases[0].efficiency = 0.5;
  EXPECT_NEAR(time_of(ring, s), 0.2, 1e-12);
  s.phases[0].min_time_s = 0.5;
  s.phases[0].repeat = 3;
  s.phases[0].overhead_s = 0.01;
  EXPECT_NEAR(time_of(ring, s), 3 * 0.51, 1e-12);
}

TEST(AnalyticBackend, HierarchicalAllToAllBeatsDirectForSmallMessagesAcrossManyNodes) {
  // 16 DGX-like nodes of 8 GPUs, 100 Gb/s per GPU: 8 KB per pair is per-peer-cost bound.
  testing::TwoTierFabric f(16, 8, 450e9, 0.5e-6, 12.5e9, 2e-6);
  const double bytes = 128 * 8e3;
  const double direct =
      time_of(f, schedule_of(f, CollectiveOp::kAllToAll, Algorithm::kDirect, iota_group(128), bytes));
  const double hier =
      time_of(f, schedule_of(f, CollectiveOp::kAllToAll, Algorithm::kHierarchical, iota_group(128), bytes));
  const double pairwise =
      time_of(f, schedule_of(f, CollectiveOp::kAllToAll, Algorithm::kPairwise, iota_group(128), bytes));
  EXPECT_LT(hier, 0.8 * direct);
  EXPECT_LT(direct, pairwise);  // 127 synchronised rounds pay 127 step latencies
  // Large messages: direct overlaps the NVLink and network legs and wins.
  const double big = 128 * 8e6;
  EXPECT_LT(
      time_of(f, schedule_of(f, CollectiveOp::kAllToAll, Algorithm::kDirect, iota_group(128), big)),
      time_of(f, schedule_of(f, CollectiveOp::kAllToAll, Algorithm::kHierarchical, iota_group(128), big)));
}

TEST(AnalyticBackend, SkewedAllToAllIsSlowerThanUniformWithEqualBytes) {
  testing::TwoTierFabric f(4, 8, 450e9, 0.5e-6, 50e9, 2e-6);
  const auto uniform = collectives::uniform_all_to_all(32, 64e6);
  const auto skewed = collectives::zipf_all_to_all(32, 64e6, 1.2, 11);
  ASSERT_NEAR(uniform.total(), skewed.total(), 1e-3);
  const double tu =
      time_of(f, schedule_of(f, CollectiveOp::kAllToAll, Algorithm::kDirect, iota_group(32), 64e6, &uniform));
  const double ts =
      time_of(f, schedule_of(f, CollectiveOp::kAllToAll, Algorithm::kDirect, iota_group(32), 64e6, &skewed));
  EXPECT_GT(ts, 2 * tu);  // the hottest destination's NIC receives far more than 1/n of the traffic
}

TEST(AnalyticBackend, ConcurrentCollectivesShareLinksOnlyWhenTheyOverlap) {
  testing::TwoTierFabric f(2, 8, 450e9, 0.5e-6, 50e9, 2e-6);
  auto backend = make_backend(BackendKind::kAnalytic, f);
  auto ar = [&](std::vector<int> g) {
    return schedule_of(f, CollectiveOp::kAllReduce, Algorithm::kRing, std::move(g), 4e9);
  };
  const double one = backend->simulate(ar(iota_group(16))).time_s;
  const auto same = backend->simulate({ar(iota_group(16)), ar(iota_group(16))});
  EXPECT_GT(same.time_s, 1.9 * one);
  ASSERT_EQ(same.schedule_end_s.size(), 2u);
  // Two 8-device groups on different nodes use disjoint links: no slowdown versus alone.
  const double alone = backend->simulate(ar(iota_group(8))).time_s;
  const auto disjoint = backend->simulate({ar(iota_group(8)), ar(iota_group(8, 8))});
  EXPECT_NEAR(disjoint.time_s, alone, 1e-12);
  // Different structures (ring and tree) take the lockstep path and still share the NICs.
  const auto tree = schedule_of(f, CollectiveOp::kAllReduce, Algorithm::kTree, iota_group(16), 4e9);
  const auto mixed = backend->simulate({ar(iota_group(16)), tree});
  EXPECT_GT(mixed.time_s, one);
}

TEST(AnalyticBackend, CountersSplitBytesByTierAndFindTheBusiestLink) {
  testing::TwoTierFabric f(2, 4, 400e9, 1e-6, 50e9, 1e-6);
  BackendOptions opt;
  opt.keep_link_bytes = true;
  auto backend = make_backend(BackendKind::kAnalytic, f, opt);
  const auto s = schedule_of(f, CollectiveOp::kAllToAll, Algorithm::kDirect, iota_group(8), 8e6);
  const auto r = backend->simulate(s);
  // Each rank sends 1 MB to each of 7 peers: 3 intra (2 NVLink hops), 4 inter (2 NIC hops; no PXN on a
  // hand-built fabric).
  ASSERT_EQ(r.tier_bytes.size(), 2u);
  EXPECT_NEAR(r.tier_bytes[0], 8 * 3 * 1e6 * 2, 1e-3);
  EXPECT_NEAR(r.tier_bytes[1], 8 * 4 * 1e6 * 2, 1e-3);
  EXPECT_EQ(f.link(r.busiest_link).tier, 1);  // a NIC link
  EXPECT_NEAR(r.busiest_link_bytes, 4e6, 1e-6);
  EXPECT_NEAR(r.tier_busy_s[1], 4e6 / (50e9 * s.phases[0].efficiency), 1e-15);
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
