// moesim kernels — the profile DB: kernel timings measured on one GPU by `moesim profile`, stored as JSON
// (kernels/profiles/*.json). Format "moesim-kernel-profile/1":
//   { "format": ..., "gpu": name, "sm_count", "sm_clock_mhz", "mem_clock_mhz", "l2_bytes", "driver_version",
//     "cuda_runtime_version", "date", "peak_flops", "mem_bw_Bps", "peak_source",
//     "entries": [ { "kernel", "impl", "tokens", "d_model", "d_ff", "experts", "k", "glu", "zipf_s",
//                    "median_s", "p10_s", "p90_s", "reps", "flops", "bytes", "flops_per_s", "bytes_per_s" } ]
//                    }
#pragma once

#include <string>
#include <vector>

#include "kernels/kernel_shape.h"

namespace moesim::kernels {

inline constexpr const char* kProfileFormat = "moesim-kernel-profile/1";

/// The GPU and software a profile was measured on. peak_flops/mem_bw_Bps are the datasheet ceilings the
/// roofline uses (peak_source says where they come from).
struct ProfileHeader {
  std::string gpu;
  int sm_count = 0;
  double sm_clock_mhz = 0.0, mem_clock_mhz = 0.0;
  double l2_bytes = 0.0;
  std::string driver_version, cuda_runtime_version, date;
  double peak_flops = 0.0;
  double mem_bw_Bps = 0.0;
  std::string peak_source;
};

/// One measured kernel at one shape: the median and the 10th/90th percentiles of `reps` timed runs.
struct ProfileEntry {
  KernelKind kind = KernelKind::kRouterGemm;
  std::string impl;  ///< "cublas", "own", or "cuda" for the single-implementation kernels
  KernelShape shape;
  double median_s = 0.0, p10_s = 0.0, p90_s = 0.0;
  int reps = 0;
  double flops = 0.0, bytes = 0.0;  ///< as counted by kernel_flops/kernel_bytes for the measured shape
  double flops_per_s() const { return median_s > 0 ? flops / median_s : 0.0; }
  double bytes_per_s() const { return median_s > 0 ? bytes / median_s : 0.0; }
};

struct ProfileDb {
  ProfileHeader header;
  std::vector<ProfileEntry> entries;
};

/// Parses a profile DB; anything missing or out of range throws ConfigError naming `file`, the line and the
/// key (e.g. `entries[3].median_s`).
ProfileDb parse_profile_db(const std::string& json_text, const std::string& file);
/// Reads and parses the file at `path` (ConfigError if it cannot be read).
ProfileDb read_profile_db(const std::string& path);
/// Checks that `db` was measured on the GPU the scenario models: its `gpu` must begin with `cuda_name` (the
/// device name CUDA reports for that accelerator, e.g. "NVIDIA H100 80GB HBM3"). Otherwise throws
/// ConfigError naming `file` and `key` (the scenario key or option that chose the profile).
/// The explanation check_profile_gpu would throw with, or "" when `db` matches.
std::string profile_gpu_mismatch(const ProfileDb& db, const std::string& cuda_name,
                                 const std::string& accelerator);
void check_profile_gpu(const ProfileDb& db, const std::string& cuda_name, const std::string& accelerator,
                       const std::string& file, const std::string& key);
/// The JSON text of `db`, one entry per line.
std::string profile_db_to_json(const ProfileDb& db);
/// Writes `db` to `path`; throws std::runtime_error if the file cannot be written.
void write_profile_db(const ProfileDb& db, const std::string& path);

}  // namespace moesim::kernels
