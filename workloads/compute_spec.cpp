#include "workloads/compute_spec.h"

namespace moesim::workloads {

ComputeSpec parse_compute_section(const YamlMap& s) {
  ComputeSpec c;
  if (auto p = s.optional_string("profile")) {
    if (p->empty()) s.fail("profile", "a path to a profile DB written by `moesim profile`");
    c.profile = *p;
  }
  if (auto a = s.optional_choice("attention", {"unfused", "fused"})) {
    c.attention = *a == "fused" ? AttentionKernel::kFused : AttentionKernel::kUnfused;
  }
  c.dropout = s.optional_boolean("dropout").value_or(false);
  c.einsum_dispatch_group = s.optional_quantity("einsum_dispatch_group", Unit::kCount, Bound::kPositive);
  if (auto cal = s.optional_map("calibration")) {
    auto factor = [&](const char* key, double& out) {
      if (auto v = cal->optional_quantity(key, Unit::kCount, Bound::kPositive)) out = *v;
    };
    factor("gemm", c.calibration.gemm);
    factor("grouped_gemm", c.calibration.grouped_gemm);
    factor("attention", c.calibration.attention);
    factor("elementwise", c.calibration.elementwise);
    cal->finish({"gemm", "grouped_gemm", "attention", "elementwise"});
  }
  s.finish({"profile", "attention", "dropout", "einsum_dispatch_group", "calibration"});
  return c;
}

}  // namespace moesim::workloads
