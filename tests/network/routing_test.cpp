// Routing that the network models rely on: aggregated flow accounting equals per-route sums, and SimGrid's
// single paths (d-mod-k) spread over the up links as ECMP does.
#include <gtest/gtest.h>

#include <map>
#include <numeric>
#include <random>

#include "topologies/cluster_spec.h"
#include "topologies/topology_factory.h"
#include "workloads/config_error.h"
#include "workloads/yaml_reader.h"

namespace moesim::topologies {
namespace {

std::unique_ptr<Topology> cluster(const std::string& yaml) {
  const YamlMap c(YAML::Load(yaml), "<test>", "cluster");
  return make_topology(parse_cluster(c));
}

std::vector<double> per_route(const Topology& t, const std::vector<Flow>& flows) {
  std::vector<double> bytes(t.link_count(), 0.0);
  std::vector<RouteHop> hops;
  for (const auto& f : flows) {
    if (f.src == f.dst) continue;
    t.route(f.src, f.dst, hops);
    for (const auto& h : hops) bytes[h.link] += f.bytes * h.fraction;
  }
  return bytes;
}

TEST(Routing, AggregatedFlowAccountingEqualsRoutingEveryFlow) {
  for (const char* yaml : {"preset: dgx-h100-superpod\ndevices: 256\n",
                           "preset: dgx-a100-superpod\ndevices: 512\n",  // 3 levels
                           "preset: dgx-h100-superpod\ndevices: 4096\nfabric: {levels: 3}\n",
                           "preset: tpuv4-pod\ndevices: 512\n",
                           "preset: tpuv4-pod\ndevices: 512\nfabric: {wraparound: [true, false, true]}\n",
                           "preset: k40-pcie-cluster\n"}) {
    const auto t = cluster(yaml);
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> dev(0, t->device_count() - 1);
    std::vector<Flow> flows;
    for (int i = 0; i < 20000; ++i) flows.push_back({dev(rng), dev(rng), 1e6 * (1 + i % 7)});
    std::vector<double> fast(t->link_count(), 0.0);
    t->accumulate_flows(flows.data(), flows.size(), 2.0, fast);
    const auto slow = per_route(*t, flows);
    for (std::size_t l = 0; l < fast.size(); ++l)
      ASSERT_NEAR(fast[l], 2 * slow[l], 1e-6 * (1 + slow[l])) << yaml << l;
  }
}

/// Largest number of flows on one leaf up link when each flow takes its single path.
int most_flows_on_an_up_link(const Topology& t, const std::vector<std::pair<int, int>>& pairs) {
  std::map<LinkId, int> count;
  std::vector<LinkId> path;
  int most = 0;
  for (const auto& [s, d] : pairs) {
    t.single_path(s, d, path);
    for (LinkId l : path)
      if (t.tiers()[t.link(l).tier] == "spine") most = std::max(most, ++count[l]);
  }
  return most;
}

TEST(Routing, DModKSpreadsRingCrossingsOverEveryUpLink) {
  // NCCL's rotated rings cross from GPU (m, c+7) to (m+1, c): 32 flows per rail leaf on a 32-node SU.
  const auto t = cluster("preset: dgx-h100-superpod\ndevices: 256\n");
  std::vector<std::pair<int, int>> pairs;
  for (int c = 0; c < 8; ++c)
    for (int m = 0; m < 32; ++m) pairs.emplace_back(m * 8 + (c + 7) % 8, ((m + 1) % 32) * 8 + c);
  EXPECT_EQ(most_flows_on_an_up_link(*t, pairs), 1);
}

TEST(Routing, DModKSpreadsABipartiteExchangeBetweenTwoLeaves) {
  // DGX A100 SuperPOD, 32 nodes = two scalable units: the 20 rail-0 NICs of SU 0 send to the 12 of SU 1.
  const auto t = cluster("preset: dgx-a100-superpod\ndevices: 256\n");
  std::vector<std::pair<int, int>> pairs;
  for (int a = 0; a < 20; ++a)
    for (int b = 20; b < 32; ++b) pairs.emplace_back(a * 8, b * 8);
  // 240 flows over the leaf's 20 up links: 12 each, as ECMP's even split.
  EXPECT_EQ(most_flows_on_an_up_link(*t, pairs), 12);
}

TEST(Routing, TorusAxesWithoutWrapAroundAreLines) {
  const auto wrap = cluster("preset: tpuv4-pod\ndevices: 64\n");  // 4x4x4
  const auto mesh = cluster("preset: tpuv4-pod\ndevices: 64\nfabric: {wraparound: [false, true, true]}\n");
  EXPECT_EQ(wrap->hop_count(0, 3), 1);  // x: 0 -> 3 the short way round
  EXPECT_EQ(mesh->hop_count(0, 3), 3);  // x: no wrap-around cable
  EXPECT_EQ(mesh->link_count() + 2 * 16, wrap->link_count());
  EXPECT_LT(mesh->bisection_bandwidth_Bps(), wrap->bisection_bandwidth_Bps() + 1);
  EXPECT_THROW(cluster("preset: tpuv4-pod\ndevices: 64\nfabric: {wraparound: [true]}\n"), ConfigError);
  EXPECT_THROW(cluster("preset: tpuv4-pod\ndevices: 64\nfabric: {wraparound: sometimes}\n"), ConfigError);
}

TEST(Routing, RailLocalTrafficStaysOnItsLeaf) {
  const auto t = cluster("preset: dgx-h100-superpod\ndevices: 256\n");
  std::vector<LinkId> path;
  t->single_path(3, 8 * 17 + 3, path);
  for (LinkId l : path) EXPECT_NE(t->tiers()[t->link(l).tier], "spine");
}

}  // namespace
}  // namespace moesim::topologies
