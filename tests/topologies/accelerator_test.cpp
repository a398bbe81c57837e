#include "topologies/accelerator.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace moesim::topologies {
namespace {

TEST(Accelerator, PresetsCarryThePublishedPeaks) {
  EXPECT_DOUBLE_EQ(find_accelerator("tpuv3").peak_dense_bf16_flop_per_s, 123e12);
  EXPECT_DOUBLE_EQ(find_accelerator("tpuv4").peak_dense_bf16_flop_per_s, 275e12);
  EXPECT_DOUBLE_EQ(find_accelerator("v100").peak_dense_bf16_flop_per_s, 125e12);
  EXPECT_DOUBLE_EQ(find_accelerator("a100-sxm").peak_dense_bf16_flop_per_s, 312e12);
  EXPECT_DOUBLE_EQ(find_accelerator("h100-sxm").peak_dense_bf16_flop_per_s, 989e12);
  EXPECT_DOUBLE_EQ(find_accelerator("h200-sxm").hbm_bandwidth_Bps, 4.8e12);
  EXPECT_DOUBLE_EQ(find_accelerator("h100-sxm").interconnect_bandwidth_Bps, 450e9);
}

TEST(Accelerator, MeasuredPowerFromPatterson) {
  EXPECT_DOUBLE_EQ(find_accelerator("tpuv3").system_avg_power_w.value(), 283.0);
  EXPECT_DOUBLE_EQ(find_accelerator("tpuv3").tdp_w.value(), 450.0);
  EXPECT_DOUBLE_EQ(find_accelerator("v100").system_avg_power_w.value(), 325.0);
  EXPECT_DOUBLE_EQ(find_accelerator("tpuv4").system_avg_power_w.value(), 326.0);
  EXPECT_FALSE(find_accelerator("tpuv4").tdp_w.has_value());
  // Busy power falls back to TDP where nothing was measured.
  EXPECT_DOUBLE_EQ(find_accelerator("h100-sxm").compute_power_w(), 700.0);
  EXPECT_DOUBLE_EQ(find_accelerator("tpuv4").compute_power_w(), 170.0);
}

TEST(Accelerator, EveryPresetIsComplete) {
  for (const auto& a : accelerators()) {
    EXPECT_GT(a.peak_dense_bf16_flop_per_s, 0) << a.name;
    EXPECT_GT(a.hbm_bytes, 0) << a.name;
    EXPECT_GT(a.hbm_bandwidth_Bps, 0) << a.name;
    EXPECT_GT(a.interconnect_bandwidth_Bps, 0) << a.name;
    // Google publishes no power figure for TPU v5e, v5p or v6e (accelerators_2024.cpp): their energy
    // needs energy.system_power_w_per_accelerator.
    const bool unsourced_power = a.name == "tpuv5e" || a.name == "tpuv5p" || a.name == "tpuv6e";
    if (!unsourced_power) {
      EXPECT_GT(a.compute_power_w(), 0) << a.name;
    }
    EXPECT_FALSE(a.description.empty()) << a.name;
  }
}

TEST(Accelerator, PeaksPerNumberFormat) {
  const auto& h100 = find_accelerator("h100-sxm");
  EXPECT_DOUBLE_EQ(h100.matmul_format(NumberFormat::kFp32)->peak_flop_per_s, 67e12);
  EXPECT_DOUBLE_EQ(h100.matmul_format(NumberFormat::kTf32)->peak_flop_per_s, 494.5e12);
  EXPECT_DOUBLE_EQ(h100.matmul_format(NumberFormat::kBf16)->peak_flop_per_s, 989e12);
  EXPECT_DOUBLE_EQ(h100.matmul_format(NumberFormat::kFp8)->peak_flop_per_s, 1979e12);
  EXPECT_NEAR(h100.matmul_format(NumberFormat::kBf16)->ceiling, 794.5 / 989, 1e-12);  // MAMF
  const auto& a100 = find_accelerator("a100-sxm");
  EXPECT_EQ(a100.matmul_format(NumberFormat::kFp8), nullptr);
  EXPECT_DOUBLE_EQ(a100.matmul_format(NumberFormat::kInt8)->peak_flop_per_s, 624e12);
  EXPECT_EQ(a100.compute.units, 108);
  const auto& v100 = find_accelerator("v100");  // Volta: fp16 tensor cores, no bf16
  EXPECT_EQ(v100.matmul_format(NumberFormat::kBf16), nullptr);
  EXPECT_DOUBLE_EQ(v100.matmul_format(NumberFormat::kFp16)->peak_flop_per_s, 125e12);
  // TPUs: bf16 MXUs; fp32 and tf32 as 6 and 3 bf16 passes; an fp32 product defaults to one bf16 pass.
  const auto& v3 = find_accelerator("tpuv3");
  EXPECT_EQ(v3.compute.unit, MatrixUnit::kTpuMxu);
  EXPECT_EQ(v3.compute.units * v3.compute.cores, 4);
  EXPECT_EQ(v3.matmul_format(NumberFormat::kFp32)->bf16_passes, 6);
  EXPECT_DOUBLE_EQ(v3.matmul_format(NumberFormat::kFp32)->peak_flop_per_s, 123e12 / 6);
  EXPECT_EQ(v3.compute.fp32_matmul_default, NumberFormat::kBf16);
  EXPECT_EQ(v3.matmul_format(NumberFormat::kFp16), nullptr);
  EXPECT_EQ(find_accelerator("tpuv4").compute.units, 4);
  EXPECT_EQ(v3.matmul_format_names(), "fp32, tf32, bf16");
  for (const auto& a : accelerators()) {
    EXPECT_GT(a.compute.hbm_stream_efficiency, 0.5) << a.name;
    EXPECT_LE(a.compute.hbm_stream_efficiency, 1.0) << a.name;
    for (std::size_t f = 0; f < kNumberFormats; ++f) {
      const auto* m = a.matmul_format(static_cast<NumberFormat>(f));
      if (!m) continue;
      EXPECT_GT(m->ceiling, 0.5) << a.name;
      EXPECT_LE(m->ceiling, 1.0) << a.name;
    }
  }
  EXPECT_EQ(number_format_from_string("fp8"), NumberFormat::kFp8);
  EXPECT_FALSE(number_format_from_string("fp4").has_value());
}

TEST(Accelerator, UnknownNameIsAnError) {
  EXPECT_EQ(lookup_accelerator("tpuv9"), nullptr);
  EXPECT_THROW(find_accelerator("tpuv9"), std::out_of_range);
}

}  // namespace
}  // namespace moesim::topologies
