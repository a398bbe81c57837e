// KernelCostModel: measured interpolation, roofline fallback and its calibration, GPU mismatch errors.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "kernels/kernel_cost_model.h"
#include "workloads/config_error.h"

using namespace moesim::kernels;

namespace {
ProfileEntry measured(KernelKind kind, const char* impl, int64_t tokens, double seconds) {
  ProfileEntry e;
  e.kind = kind;
  e.impl = impl;
  e.shape = KernelShape{tokens, 1024, 4096, 8, 2, false, 0.0};
  e.median_s = e.p10_s = e.p90_s = seconds;
  e.reps = 10;
  e.flops = kernel_flops(kind, e.shape);
  e.bytes = kernel_bytes(kind, e.shape);
  return e;
}
ProfileDb db() {
  ProfileDb d;
  d.header.gpu = "NVIDIA H100 80GB HBM3";
  d.header.sm_count = 132;
  d.header.peak_flops = 1e15;
  d.header.mem_bw_Bps = 3e12;
  d.entries = {measured(KernelKind::kExpertUp, "own", 1024, 1e-4),
               measured(KernelKind::kExpertUp, "cublas", 1024, 2e-4),
               measured(KernelKind::kExpertUp, "own", 4096, 4e-4),
               measured(KernelKind::kDispatch, "cuda", 1024, 2e-5),
               measured(KernelKind::kDispatch, "cuda", 16384, 1e-4)};
  return d;
}
KernelShape at(int64_t tokens) {
  return KernelShape{tokens, 1024, 4096, 8, 2, false, 0.0};
}
}  // namespace

TEST(KernelCostModel, ReturnsTheFastestMeasurementAtMeasuredShapes) {
  const KernelCostModel m(db());
  const CostEstimate e = m.estimate(KernelKind::kExpertUp, at(1024));
  EXPECT_EQ(e.source, CostSource::kMeasured);
  EXPECT_DOUBLE_EQ(e.time_s, 1e-4);  // own (1e-4) beats cublas (2e-4)
}

TEST(KernelCostModel, InterpolatesLogLogInTokens) {
  const KernelCostModel m(db());
  const CostEstimate e = m.estimate(KernelKind::kExpertUp, at(2048));  // geometric midpoint of 1024 and 4096
  EXPECT_EQ(e.source, CostSource::kMeasured);
  EXPECT_NEAR(e.time_s, 2e-4, 1e-12);
  const double d = m.time_s(KernelKind::kDispatch, at(4096));  // 1024→16384: t ∝ tokens^(log 5 / log 16)
  EXPECT_NEAR(d, 2e-5 * std::pow(4.0, std::log(5.0) / std::log(16.0)), 1e-12);
}

TEST(KernelCostModel, FallsBackToCalibratedRooflineOutsideMeasurements) {
  const KernelCostModel m(db());
  const KernelShape big = at(65536);
  const CostEstimate e = m.estimate(KernelKind::kExpertUp, big);
  EXPECT_EQ(e.source, CostSource::kRoofline);
  const RooflineParams& p = m.params(KernelKind::kExpertUp);
  // calibrated: best achieved FLOP/s fraction among the measurements
  const double best = kernel_flops(KernelKind::kExpertUp, at(4096)) / 4e-4 / 1e15;
  EXPECT_NEAR(p.compute_eff, std::max(best, kernel_flops(KernelKind::kExpertUp, at(1024)) / 1e-4 / 1e15),
              1e-12);
  const double expect =
      p.launch_overhead_s + std::max(kernel_flops(KernelKind::kExpertUp, big) / (1e15 * p.compute_eff),
                                     kernel_bytes(KernelKind::kExpertUp, big) / (3e12 * p.memory_eff));
  EXPECT_NEAR(e.time_s, expect, 1e-15);
  // never faster than any measurement's roofline says it could be: roofline <= measured everywhere
  for (const ProfileEntry& x : db().entries)
    EXPECT_LE(m.roofline_time_s(x.kind, x.shape), x.median_s * (1 + 1e-12));
  // another shape family (d_model differs) is roofline too
  KernelShape other = at(1024);
  other.d_model = 2048;
  EXPECT_EQ(m.estimate(KernelKind::kExpertUp, other).source, CostSource::kRoofline);
  // a kind with no measurement keeps the default parameters
  EXPECT_EQ(m.params(KernelKind::kCombine).compute_eff, RooflineParams{}.compute_eff);
}

TEST(KernelCostModel, RooflineOnlyForChipsWithoutProfile) {
  const KernelCostModel tpu(197e12, 819e9, RooflineParams{1e-6, 0.5, 0.8});
  const KernelShape s = at(4096);
  const CostEstimate e = tpu.estimate(KernelKind::kExpertDown, s);
  EXPECT_EQ(e.source, CostSource::kRoofline);
  EXPECT_NEAR(e.time_s,
              1e-6 + std::max(kernel_flops(KernelKind::kExpertDown, s) / (197e12 * 0.5),
                              kernel_bytes(KernelKind::kExpertDown, s) / (819e9 * 0.8)),
              1e-15);
  const KernelCostModel other = KernelCostModel(db()).for_hardware(2e15, 8e12);
  EXPECT_EQ(other.estimate(KernelKind::kExpertUp, at(1024)).source, CostSource::kRoofline);
  EXPECT_EQ(other.params(KernelKind::kExpertUp).compute_eff,
            KernelCostModel(db()).params(KernelKind::kExpertUp).compute_eff);
  EXPECT_THROW(KernelCostModel(0.0, 1e12), std::invalid_argument);
  EXPECT_THROW(tpu.estimate(KernelKind::kGating, at(0)), std::invalid_argument);
}

TEST(KernelCostModel, ProfileOfAnotherGpuIsAConfigErrorNamingFileAndGpuKey) {
  const std::string path = std::string(MOESIM_BINARY_DIR) + "/test_cost_model_profile.json";
  write_profile_db(db(), path);
  EXPECT_NO_THROW(KernelCostModel::from_profile_file(path, "NVIDIA H100 80GB HBM3"));
  try {
    KernelCostModel::from_profile_file(path, "NVIDIA H200");
    FAIL() << "expected ConfigError";
  } catch (const moesim::ConfigError& e) {
    EXPECT_EQ(e.file(), path);
    EXPECT_EQ(e.key(), "gpu");
    EXPECT_NE(std::string(e.what()).find("NVIDIA H200"), std::string::npos);
  }
}

TEST(KernelCostModel, CommittedH100ProfileLoadsAndPredictsMeasuredShapes) {
  const std::string path = std::string(MOESIM_SOURCE_DIR) + "/kernels/profiles/h100.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no committed profile at " << path;
  const ProfileDb d = read_profile_db(path);
  ASSERT_FALSE(d.entries.empty());
  const KernelCostModel m = KernelCostModel::from_profile_file(path, d.header.gpu);
  for (const ProfileEntry& e : d.entries) {
    const CostEstimate c = m.estimate(e.kind, e.shape);
    EXPECT_EQ(c.source, CostSource::kMeasured);
    EXPECT_LE(c.time_s, e.median_s);  // fastest implementation at that shape
    EXPECT_LE(m.roofline_time_s(e.kind, e.shape), e.median_s * (1 + 1e-9));
  }
}
