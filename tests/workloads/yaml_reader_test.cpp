#include "workloads/yaml_reader.h"

#include <gtest/gtest.h>

namespace moesim {
namespace {

YamlMap parse(const std::string& text) { return YamlMap(YAML::Load(text), "test.yaml", "cluster"); }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(YamlReader, ReadsTypedValuesWithUnits) {
  auto m = parse("bandwidth: 400 GB/s\nlatency: 2 us\ncount: 8\nname: h100\nfast: true\ndims: [4, 4, 4]\n");
  EXPECT_DOUBLE_EQ(m.quantity("bandwidth", Unit::kBandwidth), 400e9);
  EXPECT_DOUBLE_EQ(m.quantity("latency", Unit::kTime), 2e-6);
  EXPECT_EQ(m.integer("count"), 8);
  EXPECT_EQ(m.string("name"), "h100");
  EXPECT_TRUE(m.boolean("fast"));
  EXPECT_EQ(m.integer_list("dims"), (std::vector<std::int64_t>{4, 4, 4}));
  EXPECT_NO_THROW(m.finish());
}

TEST(YamlReader, NegativeBandwidthNamesFileLineAndKey) {
  auto m = parse("devices: 8\nbandwidth: -400 GB/s\n");
  const std::string msg = error_of([&] { m.quantity("bandwidth", Unit::kBandwidth); });
  EXPECT_NE(msg.find("test.yaml:2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("cluster.bandwidth"), std::string::npos) << msg;
  EXPECT_NE(msg.find("greater than zero"), std::string::npos) << msg;
}

TEST(YamlReader, WrongUnitIsAnErrorNotAGuess) {
  auto m = parse("latency: 400 GB/s\n");
  const std::string msg = error_of([&] { m.quantity("latency", Unit::kTime); });
  EXPECT_NE(msg.find("cluster.latency"), std::string::npos) << msg;
  EXPECT_NE(msg.find("a time such as"), std::string::npos) << msg;
}

TEST(YamlReader, UnknownKeyIsRejected) {
  auto m = parse("devices: 8\ndevcies: 9\n");
  m.integer("devices");
  const std::string msg = error_of([&] { m.finish({"devices"}); });
  EXPECT_NE(msg.find("cluster.devcies"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unknown key"), std::string::npos) << msg;
}

TEST(YamlReader, MissingKeyAndNonIntegerAndBadChoice) {
  auto m = parse("count: 2.5\nkind: torus3d\n");
  EXPECT_NE(error_of([&] { m.integer("devices"); }).find("required"), std::string::npos);
  EXPECT_NE(error_of([&] { m.integer("count"); }).find("whole number"), std::string::npos);
  EXPECT_NE(error_of([&] { m.choice("kind", {"torus", "fat-tree"}); }).find("one of {torus, fat-tree}"),
            std::string::npos);
}

TEST(YamlReader, MalformedFileNamesTheFile) {
  const std::string path = std::string(MOESIM_BINARY_DIR) + "/malformed_test.yaml";
  FILE* f = fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs("model:\n  name: [unclosed\n", f);
  fclose(f);
  const std::string msg = error_of([&] { load_yaml_file(path); });
  EXPECT_NE(msg.find("malformed_test.yaml"), std::string::npos) << msg;
  EXPECT_NE(msg.find("malformed YAML"), std::string::npos) << msg;
  EXPECT_NE(error_of([&] { load_yaml_file("/nonexistent/x.yaml"); }).find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace moesim
