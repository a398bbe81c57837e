// Every cluster preset: device, switch and link counts, worked out from its reference design.
#include "topologies/cluster_presets.h"

#include <gtest/gtest.h>

#include "tests/topologies/test_util.h"
#include "topologies/accelerator.h"
#include "topologies/fat_tree_shape.h"
#include "topologies/topology_summary.h"

namespace moesim::topologies {
namespace {

using testing::build;
using testing::links_in_tier;

TEST(Presets, AllBuildAndNameKnownAccelerators) {
  for (const auto& p : cluster_presets()) {
    EXPECT_NE(lookup_accelerator(p.spec.accelerator), nullptr) << p.name;
    auto t = make_topology(p.spec);
    EXPECT_EQ(t->device_count(), p.spec.device_count()) << p.name;
    EXPECT_GT(t->bisection_bandwidth_Bps(), 0) << p.name;
  }
  EXPECT_NE(find_cluster_preset("dgx-a100-superpod"), nullptr);
  EXPECT_EQ(find_cluster_preset("nope"), nullptr);
}

TEST(Presets, DgxH100SuperPod) {
  auto t = build("  preset: dgx-h100-superpod\n");
  EXPECT_EQ(t->device_count(), 1024);
  EXPECT_EQ(t->node_count(), 128);
  EXPECT_EQ(t->switch_count(), 128 + 32 + 16);  // NVSwitch per node, 32 leaves, 16 spines (RA table)
  EXPECT_EQ(links_in_tier(*t, "nvlink"), 2048);
  EXPECT_EQ(links_in_tier(*t, "nic"), 2048);
  EXPECT_EQ(links_in_tier(*t, "spine"), 2048);
  EXPECT_EQ(t->link_count(), 6144u);
  EXPECT_DOUBLE_EQ(t->bisection_bandwidth_Bps(), 512 * 50e9);
  EXPECT_EQ(t->path_count(0, 1023), 64);  // 32 up links x 2 parallel cables down
}

TEST(Presets, DgxSuperPodScalesLikeTheReferenceTable) {
  // NVIDIA DGX SuperPOD RA (32-node SUs, 64-port NDR): 2 SU 16 leaf + 8 spine; 8 SU 64 + 32;
  // 16 SU 128 leaf + 128 spine + 64 core.
  FatTreeShape s;
  ClusterSpec spec = find_cluster_preset("dgx-h100-superpod")->spec;
  spec.devices = 512;
  ASSERT_FALSE(compute_fat_tree_shape(spec, s));
  EXPECT_EQ(s.leaves, 16);
  EXPECT_EQ(s.spines(), 8);
  spec.devices = 2048;
  ASSERT_FALSE(compute_fat_tree_shape(spec, s));
  EXPECT_EQ(s.leaves, 64);
  EXPECT_EQ(s.spines(), 32);
  spec.devices = 4096;
  EXPECT_TRUE(compute_fat_tree_shape(spec, s));  // two levels no longer reach
  spec.fat_tree.levels = 3;
  ASSERT_FALSE(compute_fat_tree_shape(spec, s));
  EXPECT_EQ(s.leaves, 128);
  EXPECT_EQ(s.spines(), 128);
  EXPECT_EQ(s.cores, 64);
}

TEST(Presets, DgxH100With256Devices) {
  auto t = build("  preset: dgx-h100-superpod\n  devices: 256\n");
  EXPECT_EQ(t->switch_count(), 32 + 8 + 4);  // one SU: 8 rail leaves, 4 spines with 8 cables to each leaf
  EXPECT_EQ(links_in_tier(*t, "spine"), 8 * 32 * 2);
}

TEST(Presets, DgxA100SuperPod) {
  // 140 nodes, 7 SUs of 20, 8 rails: 56 leaves of 20 + 20 ports; pods of 20 leaves -> 3 pods x 20 spines;
  // each spine's 20 up ports reach 2 cores over 10 cables (3 pods x 10 <= 40 ports): 20 groups x 2 = 40
  // cores.
  auto t = build("  preset: dgx-a100-superpod\n");
  EXPECT_EQ(t->device_count(), 1120);
  EXPECT_EQ(t->switch_count(), 140 + 56 + 60 + 40);
  EXPECT_EQ(links_in_tier(*t, "nvlink"), 2240);
  EXPECT_EQ(links_in_tier(*t, "nic"), 2240);
  EXPECT_EQ(links_in_tier(*t, "spine"), 2240);
  EXPECT_EQ(links_in_tier(*t, "core"), 2400);
  EXPECT_EQ(t->hop_count(0, 1119), 6);
}

TEST(Presets, TpuV3Pod) {
  auto t = build("  preset: tpuv3-pod\n");
  EXPECT_EQ(t->device_count(), 1024);
  EXPECT_EQ(t->switch_count(), 0);
  EXPECT_EQ(t->link_count(), 4096u);
  EXPECT_EQ(t->node_count(), 256);
  EXPECT_DOUBLE_EQ(t->bisection_bandwidth_Bps(), 32 * 2 * 82e9);
  const TopologySummary s = summarize(*t);
  EXPECT_EQ(s.diameter_hops, 32);
  EXPECT_EQ(s.tiers.size(), 1u);
  EXPECT_EQ(s.tiers[0].name, "ici");
}

TEST(Presets, TpuV4PodAndSlice) {
  auto pod = build("  preset: tpuv4-pod\n");
  EXPECT_EQ(pod->device_count(), 4096);
  EXPECT_EQ(pod->link_count(), 4096u * 6);
  EXPECT_EQ(pod->hop_count(0, 8 + 8 * 16 + 8 * 256), 24);
  // 256 rings of 16 across the cut, 2 cables each: 25.6 TB/s (Google quotes 24 TB/s per pod).
  EXPECT_DOUBLE_EQ(pod->bisection_bandwidth_Bps(), 256 * 2 * 50e9);
  auto slice = build("  preset: tpuv4-pod\n  devices: 1024\n");
  EXPECT_EQ(slice->link_count(), 1024u * 6);
  EXPECT_EQ(diameter_hops(*slice), 4 + 4 + 8);
}

}  // namespace
}  // namespace moesim::topologies
