// The 2023-2025 accelerator and cluster presets against their sources, and a custom accelerator given in
// the scenario (checked like every other key: units required, errors name the key).
#include <gtest/gtest.h>

#include "topologies/accelerator.h"
#include "topologies/cluster_presets.h"
#include "topologies/cluster_spec.h"
#include "workloads/config_error.h"

namespace moesim::topologies {
namespace {

TEST(RecentHardware, PeaksPerFormatMemoryAndPower) {
  const auto& b200 = find_accelerator("b200");
  EXPECT_DOUBLE_EQ(b200.matmul_format(NumberFormat::kBf16)->peak_flop_per_s, 2250e12);
  EXPECT_DOUBLE_EQ(b200.matmul_format(NumberFormat::kFp8)->peak_flop_per_s, 4500e12);
  EXPECT_NEAR(b200.matmul_format(NumberFormat::kBf16)->ceiling, 1745.0 / 2250, 1e-12);  // MAMF
  EXPECT_EQ(b200.compute.units, 148);
  EXPECT_DOUBLE_EQ(b200.interconnect_bandwidth_Bps, 900e9);
  EXPECT_DOUBLE_EQ(b200.tdp_w.value(), 1000.0);
  const auto& gb200 = find_accelerator("gb200");
  EXPECT_DOUBLE_EQ(gb200.peak_dense_bf16_flop_per_s, 2500e12);
  EXPECT_DOUBLE_EQ(gb200.hbm_bytes, 186e9);
  EXPECT_DOUBLE_EQ(gb200.tdp_w.value(), 1200.0);
  const auto& h800 = find_accelerator("h800-sxm");
  EXPECT_DOUBLE_EQ(h800.peak_dense_bf16_flop_per_s, 989e12);
  EXPECT_DOUBLE_EQ(h800.interconnect_bandwidth_Bps, 200e9);  // 400 GB/s bidirectional
  const auto& mi = find_accelerator("mi300x");
  EXPECT_DOUBLE_EQ(mi.matmul_format(NumberFormat::kFp8)->peak_flop_per_s, 2614.9e12);
  EXPECT_DOUBLE_EQ(mi.hbm_bandwidth_Bps, 5.3e12);
  EXPECT_EQ(mi.compute.units, 304);
  const auto& v5p = find_accelerator("tpuv5p");
  EXPECT_EQ(v5p.compute.unit, MatrixUnit::kTpuMxu);
  EXPECT_EQ(v5p.compute.units * v5p.compute.cores, 8);
  EXPECT_DOUBLE_EQ(v5p.matmul_format(NumberFormat::kInt8)->peak_flop_per_s, 918e12);
  const auto& v6e = find_accelerator("tpuv6e");
  EXPECT_EQ(v6e.compute.mxu_dim, 256);
  EXPECT_DOUBLE_EQ(v6e.peak_dense_bf16_flop_per_s, 918e12);
  EXPECT_DOUBLE_EQ(find_accelerator("tpuv5e").hbm_bandwidth_Bps, 819e9);
}

TEST(RecentHardware, Gb200Nvl72IsA72GpuNvlinkDomain) {
  const auto* p = find_cluster_preset("gb200-nvl72");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->spec.node.gpus, 72);
  EXPECT_TRUE(p->spec.node.nvls);
  EXPECT_DOUBLE_EQ(p->spec.node.link_bandwidth_Bps, 900e9);
  EXPECT_EQ(p->spec.device_count() % 72, 0);
  EXPECT_EQ(find_cluster_preset("mi300x-roce")->spec.node.nic_kind, NicKind::kRoce);
  EXPECT_EQ(find_cluster_preset("mi300x-roce")->spec.node.fabric, NodeFabric::kNvLinkMesh);
}

ClusterSpec parse(const std::string& yaml) {
  return parse_cluster(moesim::YamlMap(YAML::Load(yaml), "c.yaml", "cluster"));
}

std::string error_key(const std::string& yaml) {
  try {
    parse(yaml);
  } catch (const ConfigError& e) {
    return e.key();
  }
  return "";
}

TEST(RecentHardware, CustomAcceleratorInTheScenario) {
  const std::string head = "preset: dgx-h100-superpod\ndevices: 16\naccelerator:\n";
  const auto s = parse(head +
                       "  {name: x1, like: h100-sxm, peak_flops: {bf16: 1200 TFLOP/s, fp8: 2.4 PFLOP/s}, "
                       "hbm: 144 GB, hbm_bandwidth: 6 TB/s, power: {tdp: 900 W, idle: 120 W}}\n");
  ASSERT_NE(s.custom_accelerator, nullptr);
  const auto& a = accelerator_of(s);
  EXPECT_EQ(a.name, "x1");
  EXPECT_DOUBLE_EQ(a.peak_dense_bf16_flop_per_s, 1200e12);
  EXPECT_DOUBLE_EQ(a.matmul_format(NumberFormat::kFp8)->peak_flop_per_s, 2.4e15);
  EXPECT_EQ(a.matmul_format(NumberFormat::kFp32), nullptr);  // only the formats it was given
  EXPECT_NEAR(a.matmul_format(NumberFormat::kBf16)->ceiling, 794.5 / 989, 1e-12);  // like h100-sxm
  EXPECT_DOUBLE_EQ(a.hbm_bytes, 144e9);
  EXPECT_DOUBLE_EQ(a.tdp_w.value(), 900.0);
  EXPECT_DOUBLE_EQ(a.idle_power_w.value(), 120.0);
  EXPECT_EQ(a.compute.units, 132);

  const std::string ok = "peak_flops: {bf16: 900 TFLOP/s}, hbm: 80 GB, hbm_bandwidth: 3 TB/s";
  EXPECT_EQ(
      error_key(head +
                "  {name: y, like: h100-sxm, peak_flops: {bf16: 900}, hbm: 80 GB, hbm_bandwidth: 3 TB/s}\n"),
      "cluster.accelerator.peak_flops.bf16");
  EXPECT_EQ(
      error_key(head +
                "  {name: y, like: h100-sxm, peak_flops: {bf16: 900 TFLOP/s}, hbm_bandwidth: 3 TB/s}\n"),
      "cluster.accelerator.hbm");
  EXPECT_EQ(error_key(head + "  {name: y, like: h100-sxm, peak_flops: {bf17: 9 TFLOP/s}, hbm: 80 GB, "
                             "hbm_bandwidth: 3 TB/s}\n"),
            "cluster.accelerator.peak_flops.bf17");
  EXPECT_EQ(error_key(head + "  {name: y, like: h999, " + ok + "}\n"), "cluster.accelerator.like");
  EXPECT_EQ(error_key(head + "  {name: y, " + ok + "}\n"), "cluster.accelerator.matrix_units");
  EXPECT_EQ(error_key(head + "  {name: h100-sxm, like: h100-sxm, " + ok + "}\n"), "cluster.accelerator.name");
  EXPECT_EQ(error_key(head + "  {name: y, like: h100-sxm, " + ok + ", power: {tdp: 500 W, idle: 600 W}}\n"),
            "cluster.accelerator.power.idle");
  EXPECT_EQ(error_key(head + "  {name: y, like: h100-sxm, " + ok + ", colour: red}\n"),
            "cluster.accelerator.colour");
}

}  // namespace
}  // namespace moesim::topologies
