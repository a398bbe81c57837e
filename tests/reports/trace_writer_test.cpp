#include "reports/trace_writer.h"

#include <gtest/gtest.h>

#include <sstream>

namespace moesim::reports {
namespace {

TEST(TraceWriter, WritesOneCompleteEventPerOpAndOneThreadPerStream) {
  std::vector<sim::TimelineOp> timeline(2);
  timeline[0].device = 1;
  timeline[0].end_s = 2e-3;
  timeline[1].device = 1;
  timeline[1].stream = sim::Stream::kDp;
  timeline[1].category = sim::OpCategory::kDpAllReduce;
  timeline[1].start_s = 1e-3;
  timeline[1].end_s = 1.5e-3;
  std::ostringstream out;
  write_chrome_trace(out, timeline);
  const std::string text = out.str();
  EXPECT_NE(text.find("\"ph\":\"X\""), std::string::npos);
  EXPECT_NE(text.find("\"dur\":2000"), std::string::npos) << text;  // microseconds
  EXPECT_NE(text.find("\"dur\":500"), std::string::npos) << text;
  EXPECT_NE(text.find("\"dp comm\""), std::string::npos) << "one named thread per stream";
  EXPECT_NE(text.find("\"tid\":" + std::to_string(static_cast<int>(sim::Stream::kDp))), std::string::npos);
}

}  // namespace
}  // namespace moesim::reports
