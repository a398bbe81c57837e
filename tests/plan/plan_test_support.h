// moesim tests — helpers for the plan tests: scenarios as YAML text, plan problems read from them.
#pragma once

#include <string>
#include <vector>

#include "plan/planner.h"

namespace moesim::plan::test {

/// tests/plan/data/small-moe.yaml: GLaM 1.7B/64E on 16 H100 (part of its space does not fit).
std::string small_moe_path();

/// The problem of the YAML file at `path` with `overrides` (KEY=VALUE) applied.
PlanProblem problem_of_file(const std::string& path, const std::vector<std::string>& overrides = {});

/// The problem of a scenario given as YAML text (errors name the file "<test>").
PlanProblem problem_of_text(const std::string& yaml);

}  // namespace moesim::plan::test
