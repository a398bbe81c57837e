// Collectives as schedules: shapes, byte conservation, rails, errors. No simulation here.
#include <gtest/gtest.h>

#include <map>
#include <numeric>

#include "sim/collectives/builders.h"
#include "sim/collectives/collective.h"
#include "tests/network/test_fabrics.h"
#include "topologies/cluster_spec.h"
#include "topologies/topology_factory.h"
#include "workloads/yaml_reader.h"

namespace moesim::collectives {
namespace {

std::vector<int> iota_group(int n, int first = 0) {
  std::vector<int> g(n);
  std::iota(g.begin(), g.end(), first);
  return g;
}

std::unique_ptr<topologies::Topology> cluster(const std::string& yaml) {
  const YamlMap c(YAML::Load(yaml), "<test>", "cluster");
  return topologies::make_topology(topologies::parse_cluster(c));
}

CollectiveRequest req(CollectiveOp op, Algorithm a, std::vector<int> group, double bytes,
                      const ByteMatrix* m = nullptr) {
  CollectiveRequest r;
  r.op = op;
  r.algorithm = a;
  r.group = std::move(group);
  r.bytes = bytes;
  r.matrix = m;
  return r;
}

TEST(Collectives, RingIsOneRepresentativeStepRepeated) {
  testing::RingFabric ring(8, 100e9, 1e-6);
  const CollectiveModel model(ring);
  const auto s = model.schedule(req(CollectiveOp::kAllReduce, Algorithm::kRing, iota_group(8), 64e6),
                                Algorithm::kRing, Protocol::kSimple);
  ASSERT_EQ(s.phases.size(), 1u);
  EXPECT_EQ(s.phases[0].repeat, 14);
  ASSERT_EQ(s.phases[0].transfers.size(), 8u);
  for (const auto& t : s.phases[0].transfers) {
    EXPECT_EQ(t.dst, (t.src + 1) % 8);
    EXPECT_DOUBLE_EQ(t.bytes, 8e6);
  }
  EXPECT_NEAR(s.network_bytes(), 14 * 64e6, 1);
  for (auto op : {CollectiveOp::kReduceScatter, CollectiveOp::kAllGather}) {
    const auto rs =
        model.schedule(req(op, Algorithm::kRing, iota_group(8), 8e6), Algorithm::kRing, Protocol::kLL);
    EXPECT_EQ(rs.phases[0].repeat, 7);
    EXPECT_DOUBLE_EQ(rs.phases[0].efficiency, 0.5);  // LL: 8 data bytes per 16-byte line
    EXPECT_GT(rs.phases[0].min_time_s, 0);           // LL's bandwidth cap
  }
}

TEST(Collectives, MultiNodeRingRunsOneChannelPerRailAndEveryNicSendsOncePerStep) {
  const auto t = cluster("preset: dgx-h100-superpod\ndevices: 32\n");
  const CollectiveModel model(*t);
  const auto s = model.schedule(req(CollectiveOp::kAllReduce, Algorithm::kRing, iota_group(32), 1 << 30),
                                Algorithm::kRing, Protocol::kSimple);
  ASSERT_EQ(s.phases.size(), 1u);
  EXPECT_EQ(s.phases[0].transfers.size(), 32u * 8);  // 8 channels x 32 ranks
  std::map<int, int> sends, receives;
  for (const auto& tr : s.phases[0].transfers)
    if (t->node_of(tr.src) != t->node_of(tr.dst)) {
      ++sends[tr.src];
      ++receives[tr.dst];
    }
  EXPECT_EQ(sends.size(), 32u);  // every GPU's NIC sends once and receives once per step
  EXPECT_EQ(receives.size(), 32u);
  for (const auto& [d, k] : sends) EXPECT_EQ(k, 1) << d;
}

TEST(Collectives, DoubleBinaryTreeLeavesOfOneTreeAreInteriorInTheOther) {
  for (int k : {2, 3, 4, 7, 8, 16}) {
    const auto parent = detail::double_tree_parents(k);
    for (int t = 0; t < 2; ++t) EXPECT_EQ(std::count(parent[t].begin(), parent[t].end(), -1), 1) << k;
    // Children per node summed over both trees: at most 3 (2 in one, 1 in the other) for the mirrored
    // trees of an even count.
    std::vector<int> children(k, 0);
    for (int t = 0; t < 2; ++t)
      for (int p = 0; p < k; ++p)
        if (parent[t][p] >= 0) ++children[parent[t][p]];
    if (k % 2 == 0) {
      for (int c : children) EXPECT_LE(c, 3) << k;
    }
  }
}

TEST(Collectives, TreeAcrossNodesKeepsInterNodeTrafficOnRails) {
  const auto t = cluster("preset: dgx-h100-superpod\ndevices: 64\n");
  const CollectiveModel model(*t);
  const auto s = model.schedule(req(CollectiveOp::kAllReduce, Algorithm::kTree, iota_group(64), 1 << 28),
                                Algorithm::kTree, Protocol::kSimple);
  ASSERT_EQ(s.phases.size(), 1u);
  for (const auto& tr : s.phases[0].transfers)
    if (t->node_of(tr.src) != t->node_of(tr.dst)) {
      EXPECT_EQ(t->local_rank(tr.src), t->local_rank(tr.dst));
    }
}

TEST(Collectives, AutoPicksWhatTheNodeHas) {
  const auto h100 = cluster("preset: dgx-h100-superpod\ndevices: 64\n");
  const auto a100 = cluster("preset: dgx-a100-superpod\ndevices: 64\n");
  const auto no_nvls = cluster("preset: dgx-h100-superpod\ndevices: 64\ncollectives: {nvls: false}\n");
  const auto sharp = cluster("preset: dgx-h100-superpod\ndevices: 64\ncollectives: {sharp: true}\n");
  auto pick = [](const topologies::Topology& t, int n, double bytes) {
    return CollectiveModel(t)
        .plan(req(CollectiveOp::kAllReduce, Algorithm::kAuto, iota_group(n), bytes))
        .algorithm;
  };
  EXPECT_EQ(pick(*h100, 8, 1 << 30), Algorithm::kNvls);
  EXPECT_EQ(pick(*a100, 8, 1 << 30), Algorithm::kRing);
  EXPECT_NE(pick(*no_nvls, 8, 1 << 30), Algorithm::kNvls);
  EXPECT_EQ(pick(*sharp, 64, 1 << 30), Algorithm::kSharp);
  // Small all-reduces across many nodes: latency decides, the tree beats the ring (log vs linear).
  EXPECT_NE(pick(*a100, 64, 1 << 16), Algorithm::kRing);
  EXPECT_THROW(
      CollectiveModel(*a100).plan(req(CollectiveOp::kAllReduce, Algorithm::kNvls, iota_group(8), 1e6)),
      std::invalid_argument);
}

TEST(Collectives, HierarchicalAllToAllDeliversTheSameInterNodeBytesInFewerMessages) {
  testing::TwoTierFabric f(4, 4, 100e9, 1e-6, 10e9, 1e-6);
  const CollectiveModel model(f);
  const auto m = zipf_all_to_all(16, 1e6, 1.1, 7);
  const auto group = iota_group(16);
  const auto direct = model.schedule(req(CollectiveOp::kAllToAll, Algorithm::kDirect, group, 1e6, &m),
                                     Algorithm::kDirect, Protocol::kSimple);
  const auto hier = model.schedule(req(CollectiveOp::kAllToAll, Algorithm::kHierarchical, group, 1e6, &m),
                                   Algorithm::kHierarchical, Protocol::kSimple);
  ASSERT_EQ(direct.phases.size(), 1u);
  ASSERT_EQ(hier.phases.size(), 2u);
  auto inter_bytes = [&](const network::Phase& p) {
    double b = 0;
    for (const auto& t : p.transfers)
      if (f.node_of(t.src) != f.node_of(t.dst)) b += t.bytes;
    return b;
  };
  EXPECT_NEAR(inter_bytes(hier.phases[1]), inter_bytes(direct.phases[0]), 1e-6);
  EXPECT_DOUBLE_EQ(inter_bytes(hier.phases[0]), 0.0);
  EXPECT_EQ(hier.phases[1].transfers.size(), 16u * 3);  // M-1 = 3 network peers instead of n-G = 12
  const auto pairwise = model.schedule(req(CollectiveOp::kAllToAll, Algorithm::kPairwise, group, 1e6, &m),
                                       Algorithm::kPairwise, Protocol::kSimple);
  EXPECT_EQ(pairwise.phases.size(), 15u);
  EXPECT_NEAR(pairwise.network_bytes(), direct.network_bytes(), 1e-6);
}

TEST(Collectives, DirectAllToAllUsesPxnOnRailOptimisedNodes) {
  const auto t = cluster("preset: dgx-h100-superpod\ndevices: 32\n");
  const CollectiveModel model(*t);
  const auto m = zipf_all_to_all(32, 32e6, 1.0, 3);
  const auto s = model.schedule(req(CollectiveOp::kAllToAll, Algorithm::kDirect, iota_group(32), 32e6, &m),
                                Algorithm::kDirect, Protocol::kSimple);
  double inter = 0, expected = 0;
  for (const auto& tr : s.phases[0].transfers)
    if (t->node_of(tr.src) != t->node_of(tr.dst)) {
      EXPECT_EQ(t->local_rank(tr.src), t->local_rank(tr.dst));  // rail-local
      inter += tr.bytes;
    }
  for (int i = 0; i < 32; ++i)
    for (int j = 0; j < 32; ++j)
      if (i / 8 != j / 8) expected += m.at(i, j);
  EXPECT_NEAR(inter, expected, 1e-3);  // the skewed matrix, all of it, honoured
}

TEST(Collectives, TorusRingsUseEveryDimension) {
  const auto t = cluster("preset: tpuv4-pod\ndevices: 64\n");  // 4x4x4
  const CollectiveModel model(*t);
  const auto s = model.schedule(req(CollectiveOp::kAllReduce, Algorithm::kTorus, iota_group(64), 64e6),
                                Algorithm::kTorus, Protocol::kSimple);
  EXPECT_EQ(s.phases.size(), 6u);  // 3 reduce-scatter stages, 3 all-gather stages
  // Stage 1: every chip sends to both neighbours in all three dimensions (one part per dimension).
  std::map<int, int> out;
  for (const auto& tr : s.phases[0].transfers) ++out[tr.src];
  for (const auto& [d, k] : out) EXPECT_EQ(k, 6) << d;
  EXPECT_EQ(CollectiveModel(*t)
                .plan(req(CollectiveOp::kAllReduce, Algorithm::kAuto, iota_group(64), 64e6))
                .algorithm,
            Algorithm::kTorus);
}

TEST(Collectives, ZipfMatrixKeepsRowTotalsAndSkewsColumns) {
  const auto u = zipf_all_to_all(32, 1e6, 0.0);
  const auto z = zipf_all_to_all(32, 1e6, 1.2, 3);
  double max_col = 0;
  for (int i = 0; i < 32; ++i) {
    EXPECT_NEAR(z.row_sum(i), 1e6, 1e-6);
    EXPECT_DOUBLE_EQ(u.at(i, (i + 5) % 32), 1e6 / 32);
    max_col = std::max(max_col, z.col_sum(i));
  }
  EXPECT_NEAR(z.total(), u.total(), 1e-3);
  EXPECT_GT(max_col, 5 * u.col_sum(0));
  EXPECT_THROW(zipf_all_to_all(4, 1, -1), std::invalid_argument);
}

TEST(Collectives, BusBandwidthFactorsFollowNcclTests) {
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(CollectiveOp::kAllReduce, 8), 2.0 * 7 / 8);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(CollectiveOp::kAllGather, 8), 7.0 / 8);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(CollectiveOp::kAllToAll, 4), 3.0 / 4);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(CollectiveOp::kAllReduce, 1), 0.0);
}

TEST(Collectives, BadRequestsAreRejected) {
  testing::TwoTierFabric f(2, 4, 100e9, 1e-6, 10e9, 1e-6);
  const CollectiveModel model(f);
  auto plan = [&](CollectiveOp op, Algorithm a, std::vector<int> g, double bytes,
                  const ByteMatrix* m = nullptr) { return model.plan(req(op, a, std::move(g), bytes, m)); };
  EXPECT_THROW(plan(CollectiveOp::kAllReduce, Algorithm::kRing, {}, 1e6), std::invalid_argument);
  EXPECT_THROW(plan(CollectiveOp::kAllReduce, Algorithm::kRing, {0, 8}, 1e6), std::invalid_argument);
  EXPECT_THROW(plan(CollectiveOp::kAllReduce, Algorithm::kRing, {0, 0}, 1e6), std::invalid_argument);
  EXPECT_THROW(plan(CollectiveOp::kAllReduce, Algorithm::kRing, {0, 1}, -1), std::invalid_argument);
  EXPECT_THROW(plan(CollectiveOp::kAllGather, Algorithm::kTree, {0, 1}, 1e6), std::invalid_argument);
  EXPECT_THROW(plan(CollectiveOp::kAllToAll, Algorithm::kRing, {0, 1}, 1e6), std::invalid_argument);
  EXPECT_THROW(plan(CollectiveOp::kAllReduce, Algorithm::kPairwise, {0, 1}, 1e6), std::invalid_argument);
  EXPECT_THROW(plan(CollectiveOp::kAllToAll, Algorithm::kHierarchical, {0, 1, 2, 4}, 1e6),
               std::invalid_argument);
  const auto wrong = uniform_all_to_all(3, 1e6);
  EXPECT_THROW(plan(CollectiveOp::kAllToAll, Algorithm::kDirect, {0, 1}, 1e6, &wrong), std::invalid_argument);
  EXPECT_THROW(parse_op("allreduce"), std::invalid_argument);
  EXPECT_THROW(parse_algorithm("butterfly"), std::invalid_argument);
  EXPECT_THROW(parse_protocol("ll64"), std::invalid_argument);
  EXPECT_EQ(parse_op("reduce-scatter"), CollectiveOp::kReduceScatter);
  EXPECT_EQ(parse_algorithm("nvls-tree"), Algorithm::kNvlsTree);
  EXPECT_EQ(parse_protocol("ll128"), Protocol::kLL128);
}

}  // namespace
}  // namespace moesim::collectives
