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

TEST(Units, DimensionedQuantitiesNeedTheirUnit) {
  for (const Unit u :
       {Unit::kBytes, Unit::kBandwidth, Unit::kTime, Unit::kPower, Unit::kEnergy, Unit::kFlopRate}) {
    EXPECT_FALSE(parse_quantity("400", u)) << unit_name(u);
    EXPECT_TRUE(needs_unit(u));
  }
  EXPECT_DOUBLE_EQ(*parse_quantity("400", Unit::kCount), 400);  // counts and FLOP amounts are plain numbers
  EXPECT_DOUBLE_EQ(*parse_quantity("3.14e23", Unit::kFlops), 3.14e23);
  EXPECT_TRUE(is_plain_number(" 1e-300 "));
  EXPECT_TRUE(is_plain_number("-3"));
  EXPECT_FALSE(is_plain_number("400 GB/s"));
  EXPECT_FALSE(is_plain_number(""));
}

TEST(Units, FinitenessIsCheckedAfterTheUnitFactor) {
  EXPECT_FALSE(parse_quantity("1e308 TB/s", Unit::kBandwidth));
  EXPECT_FALSE(parse_quantity("1e308 TB", Unit::kBytes));
  EXPECT_FALSE(parse_quantity("1e308 GWh", Unit::kEnergy));
  EXPECT_FALSE(parse_quantity("inf", Unit::kCount));
  EXPECT_FALSE(parse_quantity("nan s", Unit::kTime));
  EXPECT_DOUBLE_EQ(*parse_quantity("1e300 B/s", Unit::kBandwidth), 1e300);  // finite: the range check decides
  EXPECT_LT(quantity_range(Unit::kBandwidth).max, 1e300);
  EXPECT_GT(quantity_range(Unit::kBandwidth).min_positive, 1e-300);
}

}  // namespace
}  // namespace moesim
