#include "plan/plan_format.h"

#include <cmath>

#include "reports/report_units.h"

namespace moesim::plan {

std::string format_energy(double joules) {
  static const char* kUnits[] = {"J", "kJ", "MJ", "GJ"};
  int u = 0;
  double v = joules;
  while (u < 3 && std::fabs(v) >= 1000) v /= 1000, ++u;
  return reports::format_number(v, 4) + " " + kUnits[u];
}

std::string format_objective(Objective objective, double value) {
  switch (objective) {
    case Objective::kCost:
      return reports::format_value(reports::Measure::kUsd, value);
    case Objective::kEnergy:
      return format_energy(value);
    case Objective::kTime:
      break;
  }
  return reports::format_value(reports::Measure::kSeconds, value);
}

}  // namespace moesim::plan
