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
    EXPECT_GT(a.compute_power_w(), 0) << a.name;
    EXPECT_FALSE(a.description.empty()) << a.name;
  }
}

TEST(Accelerator, UnknownNameIsAnError) {
  EXPECT_EQ(lookup_accelerator("tpuv9"), nullptr);
  EXPECT_THROW(find_accelerator("tpuv9"), std::out_of_range);
}

}  // namespace
}  // namespace moesim::topologies
