// The cluster's collective settings: NVLS/SHARP capabilities, NIC type, calibration — parsed strictly and
// changing the model as documented.
#include <gtest/gtest.h>

#include <numeric>

#include "sim/collectives/measure.h"
#include "topologies/cluster_spec.h"
#include "topologies/topology_factory.h"
#include "workloads/config_error.h"
#include "workloads/yaml_reader.h"

namespace moesim::collectives {
namespace {

topologies::ClusterSpec spec(const std::string& yaml) {
  const YamlMap c(YAML::Load(yaml), "<test>", "cluster");
  return topologies::parse_cluster(c);
}

double busbw(const std::string& yaml, CollectiveOp op, double bytes, Algorithm a = Algorithm::kAuto) {
  const auto t = topologies::make_topology(spec(yaml));
  CollectiveRequest r;
  r.op = op;
  r.algorithm = a;
  r.bytes = bytes;
  r.group.resize(static_cast<std::size_t>(t->device_count()));
  std::iota(r.group.begin(), r.group.end(), 0);
  auto backend = network::make_backend(network::BackendKind::kAnalytic, *t);
  return measure(CollectiveModel(*t), r, *backend).busbw_Bps;
}

TEST(ClusterSettings, PresetsCarryTheirCapabilities) {
  const auto h = spec("preset: dgx-h100-superpod");
  EXPECT_TRUE(h.node.nvls);
  EXPECT_TRUE(h.fat_tree.sharp);
  EXPECT_TRUE(h.collectives.nvls);
  EXPECT_FALSE(h.collectives.sharp);  // NCCL_COLLNET_ENABLE defaults to 0
  EXPECT_FALSE(spec("preset: dgx-a100-superpod").node.nvls);
  EXPECT_EQ(spec("preset: dgx-h100-superpod\nnode: {nic_type: roce}").node.nic_kind,
            topologies::NicKind::kRoce);
}

TEST(ClusterSettings, BadSettingsAreConfigErrors) {
  EXPECT_THROW(spec("preset: dgx-a100-superpod\ncollectives: {nvls: true}"), ConfigError);  // no NVLS
  EXPECT_THROW(spec("preset: tpuv4-pod\ncollectives: {sharp: true}"), ConfigError);
  EXPECT_THROW(spec("preset: dgx-h100-superpod\ncollectives: {calibration: {ici: {latency: 1 us}}}"),
               ConfigError);
  EXPECT_THROW(spec("preset: dgx-h100-superpod\ncollectives: {calibration: {nvlink: {bandwidth: 500 GB/s}}}"),
               ConfigError);  // above the 450 GB/s line rate
  EXPECT_THROW(spec("preset: dgx-h100-superpod\ncollectives: {calibration: {nvlink: {speed: 1}}}"),
               ConfigError);
  EXPECT_THROW(spec("preset: dgx-h100-superpod\ncollectives: {typo: 1}"), ConfigError);
  EXPECT_THROW(spec("preset: dgx-h100-superpod\nnode: {nic_type: omnipath}"), ConfigError);
  try {
    spec("preset: dgx-h100-superpod\ncollectives: {calibration: {ici: {latency: 1 us}}}");
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("nvlink network"), std::string::npos) << e.what();
  }
}

TEST(ClusterSettings, CalibrationPinsEachHopClass) {
  const std::string node = "preset: dgx-h100-superpod\ndevices: 8\n";
  const double ring = busbw(node, CollectiveOp::kAllReduce, 8.0 * (1 << 30), Algorithm::kRing);
  const double pinned = busbw(node + "collectives: {calibration: {nvlink: {bandwidth: 300 GB/s}}}",
                              CollectiveOp::kAllReduce, 8.0 * (1 << 30), Algorithm::kRing);
  EXPECT_NEAR(ring, 371e9, 5e9);  // 18 x 20.6 GB/s NCCL models, minus latency
  EXPECT_NEAR(pinned / ring, 300.0 / 371.0, 0.01);
  // Network calibration moves a multi-node ring; launch latency moves small messages.
  const std::string pod = "preset: dgx-h100-superpod\ndevices: 32\n";
  const double net = busbw(pod + "collectives: {calibration: {network: {bandwidth: 40 GB/s}}}",
                           CollectiveOp::kAllReduce, 8.0 * (1 << 30), Algorithm::kRing);
  EXPECT_NEAR(net, 8 * 40e9, 0.05 * 8 * 40e9);
  const double small = busbw(node, CollectiveOp::kAllReduce, 1024);
  const double slow = busbw(node + "collectives: {launch_latency: 30 us}", CollectiveOp::kAllReduce, 1024);
  EXPECT_LT(slow, 0.7 * small);
}

TEST(ClusterSettings, SharpIsUsedOnlyWhenEnabledAndRoceIsSlowerThanInfiniBand) {
  const std::string pod = "preset: dgx-h100-superpod\ndevices: 64\n";
  const double plain = busbw(pod, CollectiveOp::kAllReduce, 8.0 * (1 << 30));
  const double sharp = busbw(pod + "collectives: {sharp: true}", CollectiveOp::kAllReduce, 8.0 * (1 << 30));
  EXPECT_GT(sharp, 1.2 * plain);  // in-network reduction halves the NIC bytes: NVLS-bound
  const double roce =
      busbw(pod + "node: {nic_type: roce}", CollectiveOp::kAllToAll, 1 << 30, Algorithm::kDirect);
  const double ib = busbw(pod, CollectiveOp::kAllToAll, 1 << 30, Algorithm::kDirect);
  EXPECT_LT(roce, ib);
  EXPECT_GT(roce, 0.95 * ib);
}

TEST(ClusterSettings, RingsAlongAnAxisWithoutWrapAroundTakeTwiceAsLong) {
  // Scaling book (tpus.md): without wrap-around a collective along an axis takes about twice as long.
  const std::string t =
      "accelerator: tpuv4\ndevices: 64\nfabric: {type: torus, dims: [8, 8], link_bandwidth: 45 GB/s";
  auto allgather = [&](const std::string& yaml) {
    const auto topo = topologies::make_topology(spec(yaml));
    CollectiveRequest r;
    r.op = CollectiveOp::kAllGather;
    r.bytes = 64e6;
    r.group = {0, 1, 2, 3, 4, 5, 6, 7};
    return CollectiveModel(*topo).plan(r).time_s;
  };
  const double wrapped = allgather(t + "}\n");
  const double line = allgather(t + ", wraparound: [false, true]}\n");
  EXPECT_NEAR(line / wrapped, 2.0, 0.05);
}

TEST(ClusterSettings, TpuPodAllReduceUsesAllSixLinks) {
  const double b = busbw("preset: tpuv4-pod\ndevices: 1024\n", CollectiveOp::kAllReduce, 1 << 30);
  EXPECT_GT(b, 100e9);
  EXPECT_LT(b, 6 * 50e9);
}

}  // namespace
}  // namespace moesim::collectives
