// The profile DB's JSON reader on hostile input: deep nesting and oversized text are ConfigErrors, not a
// stack overflow or an unbounded allocation.
#include <gtest/gtest.h>

#include "kernels/json_document.h"
#include "workloads/config_error.h"

namespace moesim::kernels {
namespace {

std::string nested(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') +
         std::string(static_cast<std::size_t>(depth), ']');
}

TEST(JsonLimits, DeepNestingIsAnErrorNotAStackOverflow) {
  EXPECT_NO_THROW(parse_json(nested(64), "p.json"));
  try {
    parse_json(nested(1'000'000), "p.json");
    FAIL() << "a million nested arrays must be refused";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file(), "p.json");
    EXPECT_NE(std::string(e.what()).find("levels of nested"), std::string::npos) << e.what();
  }
  std::string objects;
  for (int i = 0; i < 100; ++i) objects += "{\"a\":";
  objects += "1";
  for (int i = 0; i < 100; ++i) objects += "}";
  EXPECT_THROW(parse_json(objects, "p.json"), ConfigError);
}

TEST(JsonLimits, OversizedTextIsRefused) {
  const std::string huge = "\"" + std::string((std::size_t{64} << 20) + 1, 'x') + "\"";
  EXPECT_THROW(parse_json(huge, "p.json"), ConfigError);
}

}  // namespace
}  // namespace moesim::kernels
