// moesim — accelerator presets: what one chip can compute, hold, move and burn.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace moesim::topologies {

/// Number formats a chip's matrix unit can multiply in (the operands; accumulation is fp32 throughout).
enum class NumberFormat { kFp32, kTf32, kBf16, kFp16, kFp8, kInt8 };
inline constexpr std::size_t kNumberFormats = 6;

std::string_view to_string(NumberFormat format);
std::optional<NumberFormat> number_format_from_string(std::string_view name);

/// Dense (no 2:4 sparsity) matrix-multiply capability of one chip in one number format.
struct MatmulFormat {
  double peak_flop_per_s = 0;  ///< dense peak, FLOP/s; 0 = the chip cannot multiply in this format
  /// Achievable fraction of the peak on the best shape (a measured "maximum achievable matmul FLOPS" where
  /// our sources have one; the preset says where each comes from).
  double ceiling = 0;
  int bf16_passes = 1;  ///< TPU: bf16 MXU passes per product (fp32 6, tf32 3), already divided into the peak
};

/// How the chip's matrix unit is organised (the GEMM shape model, kernels/gemm_model.h).
enum class MatrixUnit {
  kGpuSm,   ///< NVIDIA: output tiles of thread blocks spread over streaming multiprocessors in waves
  kTpuMxu,  ///< Google TPU: 128x128 systolic arrays (MXUs), weights padded to 128 in both dimensions
};

/// Everything about a chip the compute model needs besides its peaks. Sources in accelerator.cpp.
struct ComputeArchitecture {
  MatrixUnit unit = MatrixUnit::kGpuSm;
  int units = 1;    ///< GPU: streaming multiprocessors; TPU: MXUs per TensorCore
  int cores = 1;    ///< TPU: TensorCores per chip (a matmul's rows are split over them); GPU: 1
  int mxu_dim = 0;  ///< TPU: side of the systolic array (128); GPU: 0
  double hbm_stream_efficiency = 0;  ///< achieved fraction of hbm_bandwidth_Bps by a streaming kernel
  double kernel_overhead_s = 0;      ///< fixed cost of one kernel (launch and ramp), seconds
  /// What an fp32 matrix product runs as when the scenario asks for nothing else: TPUs round fp32 operands
  /// to bf16 on the MXU by default; GPUs (PyTorch defaults) run true fp32.
  NumberFormat fp32_matmul_default = NumberFormat::kFp32;
  /// Measured FlashAttention-2 forward+backward throughput as a fraction of the bf16 peak, non-causal, at
  /// head size 64 and 128 and long sequences (0 = no measurement: fused attention is refused).
  double fused_attention_fraction_d64 = 0, fused_attention_fraction_d128 = 0;
  /// The same throughput at 512 tokens relative to long sequences (shorter sequences run slower).
  double fused_attention_short_sequence_factor = 1;
  std::string_view cuda_name;  ///< device name CUDA reports (to check a profile DB); empty for TPUs
};

/// Chip power in each activity state of a training step, watts (sim/step/energy_model.h charges them by the
/// step's activity breakdown). Each preset says in accelerator.cpp whether its figures are measured or
/// derived from the TDP, and how.
struct ChipPowerStates {
  double compute_bound_w = 0;  ///< running compute-bound kernels (matrix products at the power limit)
  double memory_bound_w = 0;   ///< running memory-bound kernels (norms, activations, permutes, optimizer)
  double communication_w = 0;  ///< no kernel computing, a collective in flight (copy engines, links busy)
  double idle_w = 0;           ///< waiting with clocks up: pipeline bubble, slower peers, nothing in flight
  std::string_view basis;      ///< one line: where the four figures come from
  bool empty() const { return compute_bound_w <= 0; }
};

/// One accelerator chip as the performance and energy models see it. Every number of a preset carries its
/// source in accelerator.cpp (datasheets, Google Cloud TPU docs, Patterson et al. 2021, arXiv 2104.10350).
/// Bandwidths are bytes per second; "per direction" where a link is full-duplex.
struct AcceleratorSpec {
  std::string name;                       ///< preset name used in YAML, e.g. "h100-sxm"
  std::string description;                ///< one line for `moesim presets`
  double peak_dense_bf16_flop_per_s = 0;  ///< dense bf16/fp16 tensor peak (fp32 on chips with neither)
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
  /// Matrix-multiply peaks and ceilings, indexed by NumberFormat.
  std::array<MatmulFormat, kNumberFormats> matmul{};
  ComputeArchitecture compute;
  /// Power by activity state when the preset has its own figures; empty = derived from the TDP (power()).
  ChipPowerStates power_states{};

  /// Power to charge while the chip computes: busy_power_w, else tdp_w (an upper bound), else 0.
  double compute_power_w() const;
  /// Power by activity state: power_states when set, else derived from measured min/max or the TDP by the
  /// rules of accelerator.cpp (all zero for a preset with neither).
  ChipPowerStates power() const;
  /// The chip's matrix unit in `format`, or nullptr when it has none.
  const MatmulFormat* matmul_format(NumberFormat format) const;
  /// "fp32, bf16, ..." — the formats the chip multiplies in (for error messages).
  std::string matmul_format_names() const;
};

/// All accelerator presets, in the order `moesim presets` lists them.
std::span<const AcceleratorSpec> accelerators();

/// The preset called `name` (case-sensitive); throws std::out_of_range listing the known names.
const AcceleratorSpec& find_accelerator(std::string_view name);

/// The preset called `name`, or nullptr.
const AcceleratorSpec* lookup_accelerator(std::string_view name);

/// "tpuv3, tpuv4, ..." for error messages.
std::string accelerator_names();

struct ClusterSpec;
/// The cluster's accelerator: its custom one (`cluster.accelerator` as a mapping) or the named preset;
/// throws std::out_of_range for an unknown name.
const AcceleratorSpec& accelerator_of(const ClusterSpec& cluster);

}  // namespace moesim::topologies
