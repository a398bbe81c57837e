// moesim — how the plan writes energies and objective values (kJ for a small step, MJ for a large one).
#pragma once

#include <string>

#include "plan/plan_spec.h"

namespace moesim::plan {

/// Joules with 4 significant digits in J, kJ, MJ or GJ, whichever keeps 1 to 999 before the point.
std::string format_energy(double joules);

/// A value of the objective: seconds (step time), USD (cost per step) or joules (energy per step).
std::string format_objective(Objective objective, double value);

}  // namespace moesim::plan
