// The output edge: a result with a non-finite number is a bug reported with its key, never a silent null.
#include "reports/output_check.h"

#include <gtest/gtest.h>

#include <limits>

namespace moesim::reports {
namespace {

std::string error_of(const nlohmann::json& j) {
  try {
    check_finite_output(j, "simulate");
  } catch (const NonFiniteResult& e) {
    return e.what();
  }
  return "no error";
}

TEST(OutputCheck, FiniteResultsPass) {
  EXPECT_EQ(error_of({{"step_time_s", 0.08}, {"busiest_link", nullptr}, {"name", "x"}, {"ops", 4272}}),
            "no error");
}

TEST(OutputCheck, NonFiniteNumbersNameTheirKey) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(error_of({{"step_time_s", inf}}).find("key 'step_time_s'"), std::string::npos);
  const nlohmann::json nested = {{"breakdown_s", {{"compute_s", 1.0}, {"idle_s", nan}}}};
  EXPECT_NE(error_of(nested).find("key 'breakdown_s.idle_s'"), std::string::npos) << error_of(nested);
  const nlohmann::json in_array = {{"points", {{{"result", {{"mfu", 0.3}}}}, {{"result", {{"mfu", -inf}}}}}}};
  EXPECT_NE(error_of(in_array).find("key 'points[1].result.mfu'"), std::string::npos) << error_of(in_array);
}

}  // namespace
}  // namespace moesim::reports
