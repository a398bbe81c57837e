// Profile DB: JSON round trip and strict errors (ConfigError naming file, line and key).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "kernels/json_document.h"
#include "kernels/profile_db.h"
#include "workloads/config_error.h"

using namespace moesim::kernels;

namespace {
ProfileDb sample() {
  ProfileDb db;
  db.header.gpu = "Test GPU \"X\"";
  db.header.sm_count = 132;
  db.header.sm_clock_mhz = 1980;
  db.header.mem_clock_mhz = 2619;
  db.header.l2_bytes = 52428800;
  db.header.driver_version = "580.1";
  db.header.cuda_runtime_version = "13.0";
  db.header.date = "2026-01-01T00:00:00Z";
  db.header.peak_flops = 989.4e12;
  db.header.mem_bw_Bps = 3.35e12;
  db.header.peak_source = "datasheet";
  ProfileEntry e;
  e.kind = KernelKind::kExpertUp;
  e.impl = "own";
  e.shape = KernelShape{4096, 1024, 4096, 8, 2, true, 1.2};
  e.median_s = 1.5e-4, e.p10_s = 1.4e-4, e.p90_s = 1.7e-4, e.reps = 30;
  e.flops = kernel_flops(e.kind, e.shape), e.bytes = kernel_bytes(e.kind, e.shape);
  db.entries.push_back(e);
  return db;
}

std::string expect_error(const std::string& text, const std::string& key) {
  try {
    parse_profile_db(text, "p.json");
  } catch (const moesim::ConfigError& e) {
    EXPECT_EQ(e.file(), "p.json");
    EXPECT_EQ(e.key(), key) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError for key " << key;
  return "";
}
}  // namespace

TEST(ProfileDb, RoundTripsThroughJson) {
  const ProfileDb db = sample();
  const ProfileDb back = parse_profile_db(profile_db_to_json(db), "mem");
  EXPECT_EQ(back.header.gpu, db.header.gpu);
  EXPECT_EQ(back.header.sm_count, 132);
  EXPECT_EQ(back.header.peak_flops, 989.4e12);
  ASSERT_EQ(back.entries.size(), 1u);
  const ProfileEntry& e = back.entries[0];
  EXPECT_EQ(e.kind, KernelKind::kExpertUp);
  EXPECT_EQ(e.impl, "own");
  EXPECT_EQ(e.shape.tokens, 4096);
  EXPECT_TRUE(e.shape.glu);
  EXPECT_EQ(e.shape.zipf_s, 1.2);
  EXPECT_EQ(e.median_s, 1.5e-4);
  EXPECT_EQ(e.flops, db.entries[0].flops);
  EXPECT_NEAR(e.flops_per_s(), e.flops / 1.5e-4, 1.0);
}

TEST(ProfileDb, WritesAndReadsFiles) {
  const std::string path = std::string(MOESIM_BINARY_DIR) + "/test_profile_db.json";
  write_profile_db(sample(), path);
  EXPECT_EQ(read_profile_db(path).entries.size(), 1u);
  EXPECT_THROW(read_profile_db(path + ".missing"), moesim::ConfigError);
}

TEST(ProfileDb, RejectsBadInputNamingTheKey) {
  const std::string good = profile_db_to_json(sample());
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    const auto pos = s.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    return s.replace(pos, from.size(), to);
  };
  expect_error(replace("\"median_s\": 0.00015", "\"median_s\": -1"), "entries[0].median_s");
  expect_error(replace("\"median_s\": 0.00015, ", ""), "entries[0].median_s");
  expect_error(replace("\"kernel\": \"expert_up\"", "\"kernel\": \"softmax\""), "entries[0].kernel");
  expect_error(replace("\"glu\": true", "\"glu\": 1"), "entries[0].glu");
  expect_error(replace("\"sm_count\": 132", "\"sm_count\": 132, \"colour\": 1"), "colour");
  expect_error(replace("moesim-kernel-profile/1", "other/2"), "format");
  expect_error(replace("\"p10_s\": 0.00014", "\"p10_s\": 0.0002"), "entries[0].median_s");
  const std::string bad_glu = replace("\"glu\": true", "\"glu\": 1");
  try {
    parse_profile_db(bad_glu, "p.json");
    FAIL() << "glu: 1 must be refused";
  } catch (const moesim::ConfigError& e) {
    const auto at = bad_glu.find("\"glu\": 1");
    EXPECT_EQ(e.line(), 1 + std::count(bad_glu.begin(), bad_glu.begin() + at, '\n'))
        << "the line of the value";
  }
  const std::string msg = expect_error(replace("\"reps\": 30", "\"reps\": 30,,"), "");
  EXPECT_NE(msg.find("p.json:"), std::string::npos);  // a syntax error names the line
}

TEST(Json, ParsesNestedValuesAndEscapesAndKeepsLines) {
  const JsonDocument v = parse_json("{\"a\": [1, 2.5e3,\n true, null],\n \"b\": \"x\\\"y\\n\"}", "f");
  ASSERT_TRUE(v.root.is_object());
  EXPECT_EQ(v.root["a"].size(), 4u);
  EXPECT_EQ(v.root["a"][1].get<double>(), 2500.0);
  EXPECT_EQ(v.root["b"].get<std::string>(), "x\"y\n");
  EXPECT_EQ(v.line("/a/1"), 1);
  EXPECT_EQ(v.line("/a/2"), 2);
  EXPECT_EQ(v.line("/b"), 3);
  EXPECT_THROW(parse_json("{\"a\": 1} x", "f"), moesim::ConfigError);
  EXPECT_THROW(parse_json("{\"a\": 1, \"a\": 2}", "f"), moesim::ConfigError);
  try {
    parse_json("{\"a\": 1,\n\n \"b\": }", "f.json");
    FAIL() << "a syntax error must be refused";
  } catch (const moesim::ConfigError& e) {
    EXPECT_EQ(e.line(), 3) << e.what();
    EXPECT_EQ(e.file(), "f.json");
  }
  EXPECT_EQ(json_number(0.1), "0.1");
  EXPECT_EQ(json_number(132), "132");
  EXPECT_EQ(json_number(INFINITY), "null");
  EXPECT_EQ(std::stod(json_number(1.0 / 3.0)), 1.0 / 3.0);
  EXPECT_EQ(json_quote("a\"b"), "\"a\\\"b\"");
}
