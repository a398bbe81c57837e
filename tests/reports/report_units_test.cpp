// Tests of the unit formatter: auto-scaled SI units with 4 significant digits.
#include <gtest/gtest.h>

#include "reports/report_units.h"

namespace moesim::reports {
namespace {

TEST(ReportUnits, DurationsScaleFromMicrosecondsToSeconds) {
  EXPECT_EQ(format_value(Measure::kSeconds, 33.38547), "33.39 s");
  EXPECT_EQ(format_value(Measure::kSeconds, 0.1143), "114.3 ms");
  EXPECT_EQ(format_value(Measure::kSeconds, 5.973e-4), "597.3 µs");
  EXPECT_EQ(format_value(Measure::kSeconds, 0), "0 s");
}

TEST(ReportUnits, BytesAndBandwidthsTakeTheirPrefix) {
  EXPECT_EQ(format_value(Measure::kBytes, 922857.86e9), "922.9 TB");
  EXPECT_EQ(format_value(Measure::kBytes, 4.529e9), "4.529 GB");
  EXPECT_EQ(format_value(Measure::kBytes, 64e6), "64.00 MB");
  EXPECT_EQ(format_value(Measure::kBytes, 512), "512.0 B");
  EXPECT_EQ(format_value(Measure::kBytes, 0), "0 GB");
  EXPECT_EQ(format_value(Measure::kBytesPerS, 4.5e11), "450.0 GB/s");
  EXPECT_EQ(format_value(Measure::kBytesPerS, 1.2e12), "1.200 TB/s");
  EXPECT_EQ(format_value(Measure::kBytesPerS, 555553.4), "555.6 kB/s");
  EXPECT_EQ(format_value(Measure::kBytesPerS, 12), "12.00 B/s");
  EXPECT_EQ(json_unit(Measure::kBytesPerS), "B/s");
}

TEST(ReportUnits, CountsAndEnergyBelowTheirUsualUnit) {
  EXPECT_EQ(format_value(Measure::kParams, 1.746e11), "174.6 B");
  EXPECT_EQ(format_value(Measure::kParams, 2.24e8), "224.0 M");
  EXPECT_EQ(format_value(Measure::kFlops, 5.047e8), "504.7 MFLOPs");
  EXPECT_EQ(format_value(Measure::kFlops, 3.5e11), "350.0 GFLOPs");
  EXPECT_EQ(format_value(Measure::kJoules, 2.366e6), "2.366 MJ");
  EXPECT_EQ(format_value(Measure::kJoules, 501.7e3), "501.7 kJ");
  EXPECT_EQ(format_value(Measure::kJoules, 12.5), "12.50 J");
}

}  // namespace
}  // namespace moesim::reports
