// moesim — accelerator presets: what one chip can compute, hold, move and burn.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace moesim::topologies {

/// One accelerator chip as the performance and energy models see it. Every number of a preset carries its
/// source in accelerator.cpp (datasheets, Google Cloud TPU docs, Patterson et al. 2021, arXiv 2104.10350).
/// Bandwidths are bytes per second; "per direction" where a link is full-duplex.
struct AcceleratorSpec {
  std::string name;                       ///< preset name used in YAML, e.g. "h100-sxm"
  std::string description;                ///< one line for `moesim presets`
  double peak_dense_bf16_flop_per_s = 0;  ///< dense (no sparsity) bf16/fp16 tensor peak, FLOP/s
  double hbm_bytes = 0;                   ///< device memory capacity, bytes
  double hbm_bandwidth_Bps = 0;           ///< device memory bandwidth, bytes/s
  /// Scale-up interconnect (NVLink, TPU ICI, PCIe) per chip, one direction, all links together, bytes/s.
  double interconnect_bandwidth_Bps = 0;
  int interconnect_links = 0;          ///< number of such links per chip (NVLink links, ICI ports)
  std::optional<double> tdp_w;         ///< thermal design power / TGP, watts
  std::optional<double> idle_power_w;  ///< measured chip power with no work, watts
  std::optional<double> busy_power_w;  ///< measured chip power while training (mean), watts
  std::optional<double> max_power_w;   ///< measured chip maximum, watts
  /// Measured average system power per accelerator (chip + its share of host, memory, NIC, fans) while
  /// training, watts — the figure energy estimates multiply by chip-hours (Patterson et al. 2021 §2.5).
  std::optional<double> system_avg_power_w;

  /// Power to charge while the chip computes: busy_power_w, else tdp_w (an upper bound), else 0.
  double compute_power_w() const;
};

/// All accelerator presets, in the order `moesim presets` lists them.
std::span<const AcceleratorSpec> accelerators();

/// The preset called `name` (case-sensitive); throws std::out_of_range listing the known names.
const AcceleratorSpec& find_accelerator(std::string_view name);

/// The preset called `name`, or nullptr.
const AcceleratorSpec* lookup_accelerator(std::string_view name);

/// "tpuv3, tpuv4, ..." for error messages.
std::string accelerator_names();

}  // namespace moesim::topologies
