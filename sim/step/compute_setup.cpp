#include "sim/step/compute_setup.h"

#include <filesystem>
#include <utility>

#include "kernels/data_path.h"
#include "kernels/profile_db.h"
#include "workloads/config_error.h"

namespace moesim::sim {
namespace {

using topologies::NumberFormat;

NumberFormat storage_format(workloads::Precision p) {
  switch (p) {
    case workloads::Precision::kFp32:
      return NumberFormat::kFp32;
    case workloads::Precision::kBf16:
      return NumberFormat::kBf16;
    case workloads::Precision::kFp16:
      return NumberFormat::kFp16;
    case workloads::Precision::kFp8:
      return NumberFormat::kFp8;
  }
  return NumberFormat::kBf16;
}

[[noreturn]] void fail_training(const workloads::KeyLines& lines, const std::string& key,
                                const std::string& expected) {
  lines.fail("training." + key, expected);
}

/// The committed profile of an accelerator preset, if one was taken (kernels/profiles/).
std::string committed_profile(const std::string& accelerator) {
  if (accelerator == "h100-sxm")
    return kernels::data_path("profiles/h100.json", std::string(MOESIM_PROFILE_DIR) + "/h100.json");
  return "";
}

/// Bytes per element to quantize FP8 GEMM operands (Transformer Engine, transformer_engine/pytorch/csrc/
/// quantizer.cpp). Each tensor is written twice, row-wise and transposed (Hopper's FP8 GEMMs take both
/// operands K-major: the weight gradient reads the transposes). Delayed scaling: the forward input's cast is
/// fused into the kernel that produces it (the norm, the activation), the output gradient is read once and
/// cast and transposed. Current scaling: every operand is read for its amax (nvte_compute_amax), then read
/// again and written twice (nvte_quantize). Blockwise: one read and two writes, the tile scales found in
/// the same pass. Each operand is charged at the GEMM's size; with sequence parallelism Transformer Engine
/// quantizes the local shard before the all-gather and transposes the gathered copy in backward (fewer
/// bytes in forward, a transpose pass more in backward), and a delayed-scaling input that no fusing kernel
/// produces (the attention's output) is cast on its own: neither is told apart here. The weights are
/// quantized once per step (cached over the micro-batches), not charged.
void set_quantize_bytes(workloads::Fp8Recipe recipe, ComputeFormats& f) {
  const double read = f.activation_bytes, writes = 2.0;  // 2 x 1 byte
  switch (recipe) {
    case workloads::Fp8Recipe::kDelayed:
      f.quantize_input_bytes = 0, f.quantize_grad_bytes = read + writes;
      return;
    case workloads::Fp8Recipe::kCurrent:
      f.quantize_input_bytes = f.quantize_grad_bytes = 2 * read + writes;
      return;
    case workloads::Fp8Recipe::kBlockwise:
      f.quantize_input_bytes = f.quantize_grad_bytes = read + writes;
      return;
  }
}

}  // namespace

NumberFormat matmul_format(const topologies::AcceleratorSpec& acc, const workloads::RunSpec& run,
                           const workloads::KeyLines& lines) {
  const NumberFormat storage = storage_format(run.training.precision);
  if (storage != NumberFormat::kFp32 && !acc.matmul_format(storage)) {
    fail_training(lines, "precision",
                  "a format the " + acc.name + " computes in (" + acc.matmul_format_names() + "), got " +
                      std::string(workloads::to_string(run.training.precision)));
  }
  NumberFormat f = storage == NumberFormat::kFp32 ? acc.compute.fp32_matmul_default : storage;
  if (run.training.matmul_precision) {
    f = *topologies::number_format_from_string(*run.training.matmul_precision);
    if (!acc.matmul_format(f)) {
      fail_training(lines, "matmul_precision",
                    "a format the " + acc.name + " multiplies in (" + acc.matmul_format_names() + "), got " +
                        *run.training.matmul_precision);
    }
  }
  return f;
}

kernels::ChipModel chip_model(const topologies::AcceleratorSpec& acc, NumberFormat format) {
  const topologies::MatmulFormat* m = acc.matmul_format(format);
  if (!m)
    throw std::invalid_argument("chip_model: " + acc.name + " has no " + std::string(to_string(format)));
  kernels::ChipModel c;
  const auto& a = acc.compute;
  c.unit = a.unit == topologies::MatrixUnit::kTpuMxu ? kernels::ChipModel::Unit::kTpuMxu
                                                     : kernels::ChipModel::Unit::kGpuSm;
  c.units = a.units, c.cores = a.cores, c.mxu_dim = a.mxu_dim > 0 ? a.mxu_dim : 128;
  c.peak_flop_per_s = m->peak_flop_per_s, c.ceiling = m->ceiling;
  c.hbm_Bps = acc.hbm_bandwidth_Bps, c.hbm_efficiency = a.hbm_stream_efficiency;
  c.kernel_overhead_s = a.kernel_overhead_s;
  return c;
}

namespace {

/// The chip in the scenario's formats (see make_compute).
ComputeFormats formats_for(const topologies::AcceleratorSpec& acc, const workloads::RunSpec& run,
                           const workloads::KeyLines& lines) {
  const NumberFormat format = matmul_format(acc, run, lines);
  const NumberFormat storage = storage_format(run.training.precision);
  ComputeFormats f;
  f.matmul = chip_model(acc, format);
  f.matmul_format = std::string(to_string(format));
  // Attention's own products run in the activation format (Transformer Engine's fp8 recipes keep
  // attention in bf16); fp32 activations as the chip's default fp32 product.
  f.attention = chip_model(acc, storage == NumberFormat::kFp32 ? acc.compute.fp32_matmul_default : storage);
  f.activation_bytes = workloads::bytes_per_element(run.training.precision);
  // fp8/int8 recipes keep narrow copies of the GEMM operands (weights cached, activations cast in the
  // producing kernel, as Transformer Engine does); wider formats read what is stored.
  const bool narrow = format == NumberFormat::kFp8 || format == NumberFormat::kInt8;
  f.matmul_operand_bytes = narrow ? 1.0 : f.activation_bytes;
  if (run.training.fp8_recipe && format != NumberFormat::kFp8) {
    fail_training(lines, "fp8_recipe",
                  "FP8 GEMMs (training.matmul_precision: fp8, or precision: fp8) for a scaling recipe; the "
                  "products here run in " +
                      std::string(to_string(format)));
  }
  if (format == NumberFormat::kFp8 && f.activation_bytes > 1)
    set_quantize_bytes(run.training.fp8_recipe.value_or(workloads::Fp8Recipe::kDelayed), f);
  f.profile_applies = format == NumberFormat::kBf16 && storage == NumberFormat::kBf16;
  f.bf16_peak_flop_per_s = acc.peak_dense_bf16_flop_per_s;
  f.fused_attention_d64 = acc.compute.fused_attention_fraction_d64;
  f.fused_attention_d128 = acc.compute.fused_attention_fraction_d128;
  f.fused_attention_short_factor = acc.compute.fused_attention_short_sequence_factor;
  return f;
}

/// The compute: keys that need the chip or the rest of the scenario.
void check_compute_section(const topologies::AcceleratorSpec& acc, const workloads::RunSpec& run,
                           const workloads::KeyLines& lines, const ComputeFormats& f) {
  const NumberFormat storage = storage_format(run.training.precision);
  if (run.compute.attention == workloads::AttentionKernel::kFused) {
    if (!(f.fused_attention_d128 > 0))
      lines.fail("compute.attention",
                 "unfused: no measured fused-attention (FlashAttention) throughput for the " + acc.name +
                     " (a100-sxm, h100-sxm and h200-sxm have one)");
    if (storage != NumberFormat::kBf16 && storage != NumberFormat::kFp16)
      lines.fail("compute.attention", "unfused with training.precision " +
                                          std::string(workloads::to_string(run.training.precision)) +
                                          ": FlashAttention runs on bf16 or fp16 activations");
  }
  if (run.compute.einsum_dispatch_group && !run.simulation.padded_dispatch) {
    lines.fail("compute.einsum_dispatch_group",
               "simulation.dispatch: padded: the einsum dispatch moves capacity-sized buffers");
  }
}

/// The profile chosen explicitly (path and the key that chose it), or empty.
std::pair<std::string, std::string> chosen_profile(const workloads::RunSpec& run,
                                                   const workloads::KeyLines& lines,
                                                   const std::string& profile_override) {
  if (!profile_override.empty()) return {profile_override, "--profile"};
  if (!run.compute.profile) return {};
  const std::filesystem::path p(*run.compute.profile);
  return {p.is_absolute() ? p.string() : (std::filesystem::path(lines.file()).parent_path() / p).string(),
          "compute.profile"};
}

}  // namespace

ComputeModel make_compute(const topologies::AcceleratorSpec& acc, const workloads::RunSpec& run,
                          const workloads::KeyLines& lines, const std::string& profile_override) {
  const ComputeFormats f = formats_for(acc, run, lines);
  check_compute_section(acc, run, lines, f);
  auto [path, key] = chosen_profile(run, lines, profile_override);
  const kernels::ChipModel bf16 =
      acc.matmul_format(NumberFormat::kBf16) ? chip_model(acc, NumberFormat::kBf16) : f.matmul;
  std::string what = "shape model (" + f.matmul_format + " on " + acc.name + ")";
  if (path.empty()) {
    const std::string own = committed_profile(acc.name);
    if (own.empty() || !std::filesystem::exists(own))
      return ComputeModel(kernels::KernelCostModel(bf16), f, run.compute.calibration, what);
    path = own;
  }
  const kernels::ProfileDb db = kernels::read_profile_db(path);
  if (!key.empty()) {
    const std::string why = kernels::profile_gpu_mismatch(db, std::string(acc.compute.cuda_name), acc.name);
    if (!why.empty() && key == "--profile") throw ConfigError(path, 0, key, why);
    if (!why.empty()) lines.fail("compute.profile", why + " (" + path + ")");
  }
  const std::string name = std::filesystem::path(path).filename().string();
  what = f.profile_applies ? "measured profile " + name + ", shape model elsewhere (" + f.matmul_format +
                                 " on " + acc.name + ")"
                           : what + "; profile " + name + " is bf16, not used";
  return ComputeModel(kernels::KernelCostModel(bf16, db), f, run.compute.calibration, what);
}

}  // namespace moesim::sim
