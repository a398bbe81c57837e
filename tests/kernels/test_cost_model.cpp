// KernelCostModel: the shape model corrected by a measured profile — measured shapes, interpolation between
// measured shapes (tokens and the other features), the shape model outside the profiled range, held-out
// entries of the committed H100 profile, and the profile/GPU check.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <vector>

#include "kernels/kernel_cost_model.h"
#include "tests/kernels/chips.h"
#include "workloads/config_error.h"

using namespace moesim::kernels;
using moesim::kernels::test::h100_bf16;

namespace {
ProfileEntry measured(KernelKind kind, const char* impl, KernelShape shape, double seconds) {
  ProfileEntry e;
  e.kind = kind;
  e.impl = impl;
  e.shape = shape;
  e.median_s = e.p10_s = e.p90_s = seconds;
  e.reps = 10;
  e.flops = kernel_flops(kind, e.shape);
  e.bytes = kernel_bytes(kind, e.shape);
  return e;
}
KernelShape at(int64_t tokens, int d_model = 1024) {
  return KernelShape{tokens, d_model, 4096, 8, 2, false, 0.0};
}
ProfileDb db() {
  ProfileDb d;
  d.header.gpu = "NVIDIA H100 80GB HBM3";
  d.entries = {measured(KernelKind::kExpertUp, "own", at(1024), 1e-4),
               measured(KernelKind::kExpertUp, "cublas", at(1024), 2e-4),
               measured(KernelKind::kExpertUp, "own", at(4096), 4e-4),
               measured(KernelKind::kExpertUp, "own", at(1024, 4096), 3e-4),
               measured(KernelKind::kExpertUp, "own", at(4096, 4096), 9e-4),
               measured(KernelKind::kDispatch, "cuda", at(1024), 2e-5),
               measured(KernelKind::kDispatch, "cuda", at(16384), 1e-4)};
  return d;
}
}  // namespace

TEST(KernelCostModel, ReturnsTheFastestMeasurementAtMeasuredShapes) {
  const KernelCostModel m(h100_bf16(), db());
  const CostEstimate e = m.kernel(KernelKind::kExpertUp, at(1024));
  EXPECT_TRUE(e.measured());
  EXPECT_NEAR(e.time_s, 1e-4, 1e-15);  // own (1e-4) beats cublas (2e-4)
  EXPECT_NEAR(m.kernel(KernelKind::kDispatch, at(16384)).time_s, 1e-4, 1e-15);
}

TEST(KernelCostModel, InterpolatesBetweenTwoMeasuredShapes) {
  const KernelCostModel m(h100_bf16(), db());
  // Tokens: between the 1024- and 4096-token measurements of the same family.
  const CostEstimate mid = m.kernel(KernelKind::kExpertUp, at(2048));
  EXPECT_TRUE(mid.measured());
  EXPECT_GT(mid.time_s, 1e-4);
  EXPECT_LT(mid.time_s, 4e-4);
  // d_model: between the 1024- and 4096-wide families at the same token count.
  const CostEstimate wide = m.kernel(KernelKind::kExpertUp, at(1024, 2048));
  EXPECT_TRUE(wide.measured());
  EXPECT_GT(wide.time_s, 1e-4);
  EXPECT_LT(wide.time_s, 3e-4);
  // The correction follows the shape model's trend: log(measured / model) interpolated, so the midpoint
  // is the model there times the geometric mean of the neighbours' ratios.
  const double r1 = 1e-4 / m.model_time_s(KernelKind::kExpertUp, at(1024));
  const double r4 = 4e-4 / m.model_time_s(KernelKind::kExpertUp, at(4096));
  const double r1w = 3e-4 / m.model_time_s(KernelKind::kExpertUp, at(1024, 4096));
  const double r4w = 9e-4 / m.model_time_s(KernelKind::kExpertUp, at(4096, 4096));
  const double ratio = mid.time_s / m.model_time_s(KernelKind::kExpertUp, at(2048));
  EXPECT_GT(ratio, std::min({r1, r4, r1w, r4w}));
  EXPECT_LT(ratio, std::max({r1, r4, r1w, r4w}));
}

TEST(KernelCostModel, ShapeModelOutsideTheProfiledRange) {
  const KernelCostModel m(h100_bf16(), db());
  for (const KernelShape& s : {at(65536), at(512), at(2048, 8192)}) {
    const CostEstimate e = m.kernel(KernelKind::kExpertUp, s);
    EXPECT_FALSE(e.measured()) << s.tokens << " " << s.d_model;
    EXPECT_DOUBLE_EQ(e.time_s, m.model_time_s(KernelKind::kExpertUp, s));
  }
  KernelShape glu = at(2048);  // a GLU expert was never measured
  glu.glu = true;
  EXPECT_FALSE(m.kernel(KernelKind::kExpertUp, glu).measured());
  KernelShape skewed = at(2048);  // skew is the builder's business; measured entries are skew-free
  skewed.zipf_s = 1.2;
  EXPECT_FALSE(m.kernel(KernelKind::kExpertUp, skewed).measured());
  EXPECT_FALSE(m.kernel(KernelKind::kCombine, at(2048)).measured());  // no combine measured
  const KernelCostModel bare(h100_bf16());
  EXPECT_FALSE(bare.has_profile());
  EXPECT_FALSE(bare.kernel(KernelKind::kExpertUp, at(1024)).measured());
  EXPECT_EQ(bare.kernel(KernelKind::kGating, at(0)).time_s, 0.0);
}

TEST(KernelCostModel, ProfileOfAnotherGpuIsAConfigErrorNamingFileAndKey) {
  const ProfileDb d = db();
  EXPECT_NO_THROW(check_profile_gpu(d, "NVIDIA H100 80GB HBM3", "h100-sxm", "p.json", "compute.profile"));
  try {
    check_profile_gpu(d, "NVIDIA A100-SXM4", "a100-sxm", "p.json", "compute.profile");
    FAIL() << "expected ConfigError";
  } catch (const moesim::ConfigError& e) {
    EXPECT_EQ(e.file(), "p.json");
    EXPECT_EQ(e.key(), "compute.profile");
    EXPECT_NE(std::string(e.what()).find("NVIDIA H100 80GB HBM3"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("a100-sxm"), std::string::npos);
  }
  EXPECT_THROW(check_profile_gpu(d, "", "tpuv4", "p.json", "--profile"), moesim::ConfigError);
}

// Held-out entries of the committed profile: every shape measured at 4,096 tokens is removed (all its
// implementations) and predicted from the rest (1,024 and 16,384 tokens of the same family, and the other
// families). Stated errors, per kind: median and worst absolute error.
TEST(KernelCostModel, PredictsHeldOutEntriesOfTheCommittedH100Profile) {
  const std::string path = std::string(MOESIM_SOURCE_DIR) + "/kernels/profiles/h100.json";
  ASSERT_TRUE(std::filesystem::exists(path));
  const ProfileDb full = read_profile_db(path);
  ProfileDb train = full;
  std::erase_if(train.entries, [](const ProfileEntry& e) { return e.shape.tokens == 4096; });
  const KernelCostModel m(h100_bf16(), train);
  // The fastest measurement of each held-out shape.
  std::map<std::pair<int, std::tuple<int, int, int, int, bool>>, std::pair<KernelShape, double>> held;
  for (const ProfileEntry& e : full.entries) {
    if (e.shape.tokens != 4096 || e.shape.zipf_s != 0) continue;
    const auto key = std::make_pair(
        static_cast<int>(e.kind),
        std::make_tuple(e.shape.d_model, e.shape.d_ff, e.shape.experts, e.shape.k, e.shape.glu));
    auto [it, fresh] = held.emplace(key, std::make_pair(e.shape, e.median_s));
    if (!fresh) it->second.second = std::min(it->second.second, e.median_s);
  }
  struct Bound {
    double median, worst;
  };
  const std::map<KernelKind, Bound> bounds = {
      {KernelKind::kRouterGemm, {0.10, 0.15}}, {KernelKind::kGating, {0.20, 0.25}},
      {KernelKind::kDispatch, {0.05, 0.15}},   {KernelKind::kCombine, {0.12, 0.30}},
      {KernelKind::kExpertUp, {0.25, 0.35}},   {KernelKind::kExpertDown, {0.20, 0.45}}};
  std::map<KernelKind, std::vector<double>> errors;
  for (const auto& [key, shape_time] : held) {
    const auto kind = static_cast<KernelKind>(key.first);
    const CostEstimate e = m.kernel(kind, shape_time.first);
    EXPECT_TRUE(e.measured()) << to_string(kind);
    errors[kind].push_back(std::fabs(e.time_s / shape_time.second - 1.0));
  }
  for (auto& [kind, errs] : errors) {
    std::sort(errs.begin(), errs.end());
    const double median = errs[errs.size() / 2], worst = errs.back();
    RecordProperty(std::string(to_string(kind)) + "_median", std::to_string(median));
    EXPECT_LE(median, bounds.at(kind).median) << to_string(kind);
    EXPECT_LE(worst, bounds.at(kind).worst) << to_string(kind);
    std::printf("held-out %-12s n=%zu median %.0f%% worst %.0f%%\n", to_string(kind), errs.size(),
                100 * median, 100 * worst);
  }
}

TEST(KernelCostModel, CommittedH100ProfileAnswersItsOwnShapesExactly) {
  const std::string path = std::string(MOESIM_SOURCE_DIR) + "/kernels/profiles/h100.json";
  const ProfileDb d = read_profile_db(path);
  const KernelCostModel m(h100_bf16(), d);
  for (const ProfileEntry& e : d.entries) {
    if (e.shape.zipf_s != 0) continue;
    const CostEstimate c = m.kernel(e.kind, e.shape);
    EXPECT_TRUE(c.measured());
    EXPECT_LE(c.time_s, e.median_s * (1 + 1e-9));  // the fastest implementation at that shape
  }
  // The cuBLAS expert loop's calls are plain GEMMs: one of them, measured.
  const GemmShape call{4096.0 * 2 / 8, 4096, 4096};
  EXPECT_TRUE(m.gemm(call).measured());
  EXPECT_FALSE(m.gemm(GemmShape{4096, 4096, 16384}).measured());             // k beyond every measured d_ff
  EXPECT_FALSE(m.gemm(GemmShape{4096, 4096, 4096, 1, 1, 1, 2}).measured());  // fp8: not what was measured
}
