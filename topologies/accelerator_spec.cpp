// The accelerator description's own queries: number-format names, the formats a chip has, its power by
// activity state (the presets and their sources are in accelerator.cpp).
#include <string>

#include "topologies/accelerator.h"
#include "topologies/accelerator_presets.h"

namespace moesim::topologies {

using detail::states_between;
using detail::states_from_tdp;

std::string_view to_string(NumberFormat format) {
  switch (format) {
    case NumberFormat::kFp32:
      return "fp32";
    case NumberFormat::kTf32:
      return "tf32";
    case NumberFormat::kBf16:
      return "bf16";
    case NumberFormat::kFp16:
      return "fp16";
    case NumberFormat::kFp8:
      return "fp8";
    case NumberFormat::kInt8:
      return "int8";
  }
  return "?";
}

std::optional<NumberFormat> number_format_from_string(std::string_view name) {
  for (std::size_t i = 0; i < kNumberFormats; ++i) {
    if (to_string(static_cast<NumberFormat>(i)) == name) return static_cast<NumberFormat>(i);
  }
  return std::nullopt;
}

const MatmulFormat* AcceleratorSpec::matmul_format(NumberFormat format) const {
  const auto& m = matmul[static_cast<std::size_t>(format)];
  return m.peak_flop_per_s > 0 ? &m : nullptr;
}

std::string AcceleratorSpec::matmul_format_names() const {
  std::string out;
  for (std::size_t i = 0; i < kNumberFormats; ++i) {
    if (!matmul_format(static_cast<NumberFormat>(i))) continue;
    if (!out.empty()) out += ", ";
    out += to_string(static_cast<NumberFormat>(i));
  }
  return out;
}

double AcceleratorSpec::compute_power_w() const {
  if (busy_power_w) return *busy_power_w;
  if (tdp_w) return *tdp_w;
  return 0;
}

ChipPowerStates AcceleratorSpec::power() const {
  if (!power_states.empty()) return power_states;
  if (idle_power_w && max_power_w)
    return states_between(*idle_power_w, *max_power_w,
                          "measured chip min/max; memory, communication derived");
  if (tdp_w) return states_from_tdp(*tdp_w, "TDP only; other states derived");
  return {};
}

}  // namespace moesim::topologies
