#include "workloads/units.h"

#include <gtest/gtest.h>

namespace moesim {
namespace {

TEST(Units, PlainNumbersAndScientificNotation) {
  EXPECT_DOUBLE_EQ(*parse_quantity("600e9", Unit::kCount), 600e9);
  EXPECT_DOUBLE_EQ(*parse_quantity("2048", Unit::kCount), 2048);
  EXPECT_DOUBLE_EQ(*parse_quantity("1.2T", Unit::kCount), 1.2e12);
  EXPECT_DOUBLE_EQ(*parse_quantity("96.6B", Unit::kCount), 96.6e9);
}

TEST(Units, BandwidthInBytesAndBits) {
  EXPECT_DOUBLE_EQ(*parse_quantity("400 GB/s", Unit::kBandwidth), 400e9);
  EXPECT_DOUBLE_EQ(*parse_quantity("200 Gb/s", Unit::kBandwidth), 25e9);
  EXPECT_DOUBLE_EQ(*parse_quantity("400Gbps", Unit::kBandwidth), 50e9);
}

TEST(Units, TimesSizesPowerEnergy) {
  EXPECT_DOUBLE_EQ(*parse_quantity("2 us", Unit::kTime), 2e-6);
  EXPECT_DOUBLE_EQ(*parse_quantity("1.5 ms", Unit::kTime), 1.5e-3);
  EXPECT_DOUBLE_EQ(*parse_quantity("14.8 d", Unit::kTime), 14.8 * 86400);
  EXPECT_DOUBLE_EQ(*parse_quantity("32 GiB", Unit::kBytes), 32.0 * 1024 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(*parse_quantity("80 GB", Unit::kBytes), 80e9);
  EXPECT_DOUBLE_EQ(*parse_quantity("10.2 kW", Unit::kPower), 10200);
  EXPECT_DOUBLE_EQ(*parse_quantity("456 MWh", Unit::kEnergy), 456 * 3.6e9);
  EXPECT_DOUBLE_EQ(*parse_quantity("989 TFLOP/s", Unit::kFlopRate), 989e12);
}

TEST(Units, RejectsWrongDimensionAndGarbage) {
  EXPECT_FALSE(parse_quantity("400 GB/s", Unit::kTime));
  EXPECT_FALSE(parse_quantity("2 us", Unit::kBandwidth));
  EXPECT_FALSE(parse_quantity("fast", Unit::kCount));
  EXPECT_FALSE(parse_quantity("", Unit::kCount));
  EXPECT_FALSE(parse_quantity("12 parsecs", Unit::kBytes));
}

TEST(Units, NegativeValuesParseSoBoundsCanRejectThemWithAMessage) {
  EXPECT_DOUBLE_EQ(*parse_quantity("-5 GB/s", Unit::kBandwidth), -5e9);
}

}  // namespace
}  // namespace moesim
