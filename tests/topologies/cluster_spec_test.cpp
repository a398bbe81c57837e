// Parsing the `cluster:` section: presets, overrides, explicit fabrics, and every error naming its key.
#include "topologies/cluster_spec.h"

#include <gtest/gtest.h>

#include "tests/topologies/test_util.h"

namespace moesim::topologies {
namespace {

using testing::failure_of;
using testing::parse;

TEST(ClusterSpec, PresetWithDeviceOverride) {
  const ClusterSpec s = parse("  preset: dgx-h100-superpod\n  devices: 256\n");
  EXPECT_EQ(s.device_count(), 256);
  EXPECT_EQ(s.node_count(), 32);
  EXPECT_EQ(s.accelerator, "h100-sxm");
  EXPECT_EQ(s.fabric, FabricType::kFatTree);
  EXPECT_TRUE(s.fat_tree.rail_optimized);
}

TEST(ClusterSpec, TorusPresetIsReshapedForANewChipCount) {
  EXPECT_EQ(parse("  preset: tpuv4-pod\n  devices: 1024\n").torus.dims, (std::vector<int>{8, 8, 16}));
  EXPECT_EQ(parse("  preset: tpuv4-pod\n  devices: 256\n").torus.dims, (std::vector<int>{4, 8, 8}));
  EXPECT_EQ(parse("  preset: tpuv3-pod\n  devices: 512\n").torus.dims, (std::vector<int>{16, 32}));
  EXPECT_EQ(parse("  preset: tpuv4-pod\n  devices: 512\n  fabric: {dims: [4, 8, 16]}\n").torus.dims,
            (std::vector<int>{4, 8, 16}));
}

TEST(ClusterSpec, ExplicitFatTreeWithUnits) {
  const ClusterSpec s = parse(
      "  accelerator: a100-sxm\n  devices: 16\n"
      "  node: {gpus: 8, fabric: nvlink-mesh, link_bandwidth: 50 GB/s, nics: 4, nic_bandwidth: 200 Gb/s,"
      " pcie_bandwidth: 32 GB/s, nic_latency: 2 us}\n"
      "  fabric: {type: fat-tree, levels: 2, radix: 8, oversubscription: 3, link_bandwidth: 25 GB/s}\n");
  EXPECT_EQ(s.node.fabric, NodeFabric::kNvLinkMesh);
  EXPECT_DOUBLE_EQ(s.node.nic_bandwidth_Bps, 25e9);
  EXPECT_DOUBLE_EQ(s.node.nic_latency_s, 2e-6);
  EXPECT_DOUBLE_EQ(s.fat_tree.oversubscription, 3);
  EXPECT_EQ(s.fat_tree.radix, 8);
}

TEST(ClusterSpec, TorusShapes) {
  EXPECT_EQ(torus_shape(4096, 3, 4), (std::vector<int>{16, 16, 16}));
  EXPECT_EQ(torus_shape(1024, 2, 1), (std::vector<int>{32, 32}));
  EXPECT_TRUE(torus_shape(1000, 3, 4).empty());
}

struct BadCase {
  const char* yaml;
  const char* key;
  const char* words;  ///< part of the explanation
};

class ClusterSpecErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ClusterSpecErrors, NameTheKey) {
  const auto f = failure_of([&] { parse(GetParam().yaml); });
  EXPECT_EQ(f.key, GetParam().key) << f.message;
  EXPECT_NE(f.message.find(GetParam().words), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("test.yaml:"), std::string::npos) << f.message;
}

INSTANTIATE_TEST_SUITE_P(
    All, ClusterSpecErrors,
    ::testing::Values(
        BadCase{"  preset: dgx-z100\n", "cluster.preset", "dgx-h100-superpod"},
        BadCase{"  preset: tpuv4-pod\n  fabric: {radixx: 4}\n", "cluster.fabric.radixx", "unknown key"},
        BadCase{"  preset: tpuv4-pod\n  colour: red\n", "cluster.colour", "unknown key"},
        BadCase{"  preset: dgx-h100-superpod\n  node: {nic_bandwidth: 0 GB/s}\n",
                "cluster.node.nic_bandwidth", "greater than zero"},
        BadCase{"  preset: dgx-h100-superpod\n  fabric: {link_bandwidth: -400 Gb/s}\n",
                "cluster.fabric.link_bandwidth", "greater than zero"},
        BadCase{"  preset: tpuv4-pod\n  fabric: {dims: [4, 4, 8]}\n", "cluster.fabric.dims", "product"},
        BadCase{"  preset: tpuv4-pod\n  devices: 1024\n  fabric: {dims: [2, 16, 32]}\n",
                "cluster.fabric.dims", "multiple of the cube"},
        BadCase{"  preset: tpuv4-pod\n  devices: 1000\n", "cluster.devices", "cubes"},
        BadCase{"  preset: dgx-h100-superpod\n  devices: 4096\n", "cluster.fabric.radix", "levels: 3"},
        BadCase{"  preset: dgx-a100-superpod\n  fabric: {radix: 8}\n", "cluster.fabric.radix",
                "larger radix"},
        BadCase{"  preset: dgx-h100-superpod\n  devices: 1020\n", "cluster.devices", "multiple of node.gpus"},
        BadCase{"  preset: dgx-h100-superpod\n  node: {nics: 3}\n", "cluster.node.nics", "divides"},
        BadCase{"  preset: dgx-h100-superpod\n  node: {nics: 4}\n", "cluster.node.pcie_bandwidth",
                "required"},
        BadCase{"  preset: tpuv3-pod\n  node: {gpus: 4}\n", "cluster.node", "torus"},
        BadCase{"  accelerator: h100-sxm\n  devices: 16\n  node: {gpus: 8, link_bandwidth: 450 GB/s,"
                " nic_bandwidth: 50 GB/s, nics: 8}\n  fabric: {type: fat-tree, radix: 8}\n",
                "cluster.fabric.link_bandwidth", "required"},
        BadCase{"  accelerator: h100-sxm\n  devices: 16\n  node: {gpus: 8, link_bandwidth: 450 GB/s}\n",
                "cluster.fabric.type", "fabric between"},
        BadCase{"  accelerator: b100\n  devices: 8\n", "cluster.accelerator", "h100-sxm"},
        BadCase{"  devices: 8\n  node: {gpus: 8, link_bandwidth: 1 GB/s}\n", "cluster.accelerator",
                "required"},
        BadCase{"  accelerator: h100-sxm\n  devices: 64\n  node: {gpus: 1, nic_bandwidth: 50 GB/s}\n"
                "  fabric: {type: dragonfly, routers_per_group: 2, nics_per_router: 2, "
                "global_links_per_router: 1,"
                " link_bandwidth: 50 GB/s, global_bandwidth: 50 GB/s}\n",
                "cluster.fabric.global_links_per_router", "one per pair of groups"},
        BadCase{"  preset: tpuv4-pod\n  fabric: {type: torus, levels: 2}\n", "cluster.fabric.levels",
                "unknown key"}));

TEST(ClusterSpec, ErrorsPointAtTheLineOfTheKey) {
  const auto f =
      failure_of([] { parse("  preset: tpuv4-pod\n  fabric:\n    cube: 4\n    dims: [4, 4, 8]\n"); });
  EXPECT_NE(f.message.find("test.yaml:5"), std::string::npos) << f.message;
}

TEST(ClusterSpec, ProgrammaticSpecsAreValidatedToo) {
  ClusterSpec s = parse("  preset: tpuv3-pod\n");
  s.torus.link_bandwidth_Bps = 0;
  EXPECT_EQ(failure_of([&] { make_topology(s); }).key, "cluster.fabric.link_bandwidth");
}

}  // namespace
}  // namespace moesim::topologies
