#include "sim/step/compute_setup.h"

#include <filesystem>

#include "kernels/profile_db.h"

namespace moesim::sim {
namespace {

/// The measured profile for an accelerator preset, if one was taken (kernels/profiles/).
std::string profile_for(const std::string& accelerator) {
  if (accelerator == "h100-sxm") return std::string(MOESIM_PROFILE_DIR) + "/h100.json";
  return "";
}

}  // namespace

ComputeModel make_compute(const topologies::AcceleratorSpec& acc) {
  const std::string own = profile_for(acc.name);
  if (!own.empty() && std::filesystem::exists(own)) {
    const auto db = kernels::read_profile_db(own);
    return ComputeModel(kernels::KernelCostModel(db),
                        "measured profile " + std::filesystem::path(own).filename().string());
  }
  const std::string h100 = std::string(MOESIM_PROFILE_DIR) + "/h100.json";
  if (std::filesystem::exists(h100)) {
    const kernels::KernelCostModel calibrated(kernels::read_profile_db(h100));
    return ComputeModel(calibrated.for_hardware(acc.peak_dense_bf16_flop_per_s, acc.hbm_bandwidth_Bps),
                        "roofline (efficiencies calibrated on h100.json)");
  }
  return ComputeModel(kernels::KernelCostModel(acc.peak_dense_bf16_flop_per_s, acc.hbm_bandwidth_Bps),
                      "roofline (default efficiencies)");
}

}  // namespace moesim::sim
