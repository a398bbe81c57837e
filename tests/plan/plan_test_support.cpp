#include "plan_test_support.h"

#include "workloads/scenario_overrides.h"
#include "workloads/yaml_reader.h"

namespace moesim::plan::test {

std::string small_moe_path() {
  return std::string(MOESIM_SOURCE_DIR) + "/tests/plan/data/small-moe.yaml";
}

PlanProblem problem_of_file(const std::string& path, const std::vector<std::string>& overrides) {
  const YAML::Node root = load_yaml_file(path);
  return read_plan_problem(overrides.empty() ? root : workloads::apply_overrides(root, overrides, path),
                           path);
}

PlanProblem problem_of_text(const std::string& yaml) {
  return read_plan_problem(YAML::Load(yaml), "<test>");
}

}  // namespace moesim::plan::test
