// moesim kernels — the profiler: sweeps, times and writes the profile DB (gpu_tools.h).
#include <cuda_runtime.h>

#include <cmath>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "kernels/gpu_layer.h"
#include "kernels/gpu_tools.h"

namespace moesim::kernels {
namespace {

KernelShape shape_of(const LayerConfig& c) {
  KernelShape s;
  s.tokens = c.gating.tokens;
  s.d_model = c.d_model;
  s.d_ff = c.d_ff;
  s.experts = c.gating.experts;
  s.k = c.gating.k;
  s.glu = c.glu;
  s.zipf_s = c.zipf_s;
  return s;
}

ProfileEntry entry(KernelKind kind, const char* impl, const LayerConfig& c, const TimingStats& t) {
  ProfileEntry e;
  e.kind = kind;
  e.impl = impl;
  e.shape = shape_of(c);
  e.median_s = t.median_s, e.p10_s = t.p10_s, e.p90_s = t.p90_s, e.reps = t.reps;
  e.flops = kernel_flops(kind, e.shape);
  e.bytes = kernel_bytes(kind, e.shape);
  return e;
}

std::string driver_version() {
  std::ifstream in("/proc/driver/nvidia/version");
  std::string line;
  if (in && std::getline(in, line)) {
    std::istringstream ss(line);
    std::string w;
    while (ss >> w)
      if (!w.empty() && std::isdigit(static_cast<unsigned char>(w[0])) && w.find('.') != std::string::npos)
        return w;
  }
  int v = 0;
  MOESIM_CUDA_CHECK(cudaDriverGetVersion(&v));
  return "CUDA driver API " + std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}

ProfileHeader read_header() {
  ProfileHeader h;
  int dev = 0;
  MOESIM_CUDA_CHECK(cudaGetDevice(&dev));
  cudaDeviceProp prop{};
  MOESIM_CUDA_CHECK(cudaGetDeviceProperties(&prop, dev));
  h.gpu = prop.name;
  h.sm_count = prop.multiProcessorCount;
  int clk = 0, mclk = 0, bus = 0;
  MOESIM_CUDA_CHECK(cudaDeviceGetAttribute(&clk, cudaDevAttrClockRate, dev));
  MOESIM_CUDA_CHECK(cudaDeviceGetAttribute(&mclk, cudaDevAttrMemoryClockRate, dev));
  MOESIM_CUDA_CHECK(cudaDeviceGetAttribute(&bus, cudaDevAttrGlobalMemoryBusWidth, dev));
  h.sm_clock_mhz = clk / 1000.0;
  h.mem_clock_mhz = mclk / 1000.0;
  h.l2_bytes = prop.l2CacheSize;
  h.driver_version = driver_version();
  int rt = 0;
  MOESIM_CUDA_CHECK(cudaRuntimeGetVersion(&rt));
  h.cuda_runtime_version = std::to_string(rt / 1000) + "." + std::to_string((rt % 1000) / 10);
  char date[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  h.date = date;
  if (h.gpu.find("H100") != std::string::npos && h.gpu.find("PCIe") == std::string::npos) {
    h.peak_flops = 989.4e12, h.mem_bw_Bps = 3.35e12;
    h.peak_source = "NVIDIA H100 SXM datasheet: 989.4 TFLOP/s dense bf16, 3.35 TB/s HBM3";
  } else if (h.gpu.find("H200") != std::string::npos) {
    h.peak_flops = 989.4e12, h.mem_bw_Bps = 4.8e12;
    h.peak_source = "NVIDIA H200 datasheet: 989.4 TFLOP/s dense bf16, 4.8 TB/s HBM3e";
  } else {  // Hopper-class dense bf16: 4096 FLOP per SM per clock; DDR: 2 transfers per memory clock
    h.peak_flops = 4096.0 * h.sm_count * clk * 1e3;
    h.mem_bw_Bps = 2.0 * mclk * 1e3 * bus / 8.0;
    h.peak_source = "derived from clocks: 4096 FLOP/SM/clock, 2 transfers/memory clock × bus width";
  }
  return h;
}

}  // namespace

std::vector<ProfileEntry> profile_layer(const LayerConfig& cfg, GpuTimer& timer, cublasHandle_t handle,
                                        int reps, bool gemms, std::ostream& log) {
  std::vector<ProfileEntry> out;
  GpuLayer L(cfg, 1234);
  const std::vector<int32_t> offset = L.route(handle, 99, nullptr);
  const GatingConfig& g = cfg.gating;
  const int warm = 3;
  if (cfg.zipf_s == 0.0) {
    out.push_back(entry(KernelKind::kRouterGemm, "cublas", cfg,
                        timer.time(
                            [&] {
                              router_logits_gpu(handle, L.x.get(), L.w_router.get(), L.logits.get(), g.tokens,
                                                cfg.d_model, g.experts, nullptr);
                            },
                            warm, reps)));
    out.push_back(
        entry(KernelKind::kDispatch, "cuda", cfg,
              timer.time([&] { dispatch_gpu(L.x.get(), cfg.d_model, L.routing, L.rows.get(), nullptr); },
                         warm, reps)));
    out.push_back(
        entry(KernelKind::kCombine, "cuda", cfg,
              timer.time([&] { combine_gpu(L.y.get(), cfg.d_model, L.routing, L.out.get(), nullptr); }, warm,
                         reps)));
  }
  out.push_back(entry(KernelKind::kGating, "cuda", cfg,
                      timer.time([&] { gating_gpu(L.logits.get(), L.routing, nullptr); }, warm, reps)));
  if (!gemms) return out;
  const Activation act = cfg.glu ? Activation::kGeglu : Activation::kGelu;
  for (GemmImpl impl : {GemmImpl::kOwn, GemmImpl::kCublasLoop, GemmImpl::kCublasGrouped}) {
    try {
      if (impl != GemmImpl::kCublasGrouped) {  // the grouped cuBLAS baseline has no activation (gpu_moe.h)
        ExpertGemm up(impl, g.experts, cfg.d_model, L.w1_cols, act, L.max_rows);
        out.push_back(entry(
            KernelKind::kExpertUp, to_string(impl), cfg,
            timer.time(
                [&] { up.run(L.rows.get(), L.routing.offset.get(), offset, L.w1.get(), L.h.get(), nullptr); },
                warm, reps)));
      }
      ExpertGemm down(impl, g.experts, cfg.d_ff, cfg.d_model, Activation::kNone, L.max_rows);
      out.push_back(entry(
          KernelKind::kExpertDown, to_string(impl), cfg,
          timer.time(
              [&] { down.run(L.h.get(), L.routing.offset.get(), offset, L.w2.get(), L.y.get(), nullptr); },
              warm, reps)));
    } catch (const CudaError& e) {
      log << "  skipped " << to_string(impl) << ": " << e.what() << "\n";
      cudaGetLastError();
    }
  }
  return out;
}

int run_kernel_profile(const std::string& out_path, std::ostream& log, bool quick) {
  std::string why;
  if (!gpu_available(&why)) {
    log << "moesim profile: " << why << "\n";
    return 2;
  }
  ProfileDb db;
  db.header = read_header();
  log << "profiling on " << db.header.gpu << " (" << db.header.sm_count << " SMs, driver "
      << db.header.driver_version << ", CUDA " << db.header.cuda_runtime_version << ")\n";
  cublasHandle_t handle;
  MOESIM_CUBLAS_CHECK(cublasCreate(&handle));
  {
    GpuTimer timer(nullptr);
    struct Family {
      int d, f, e, k;
      bool glu;
    };
    // GShard/GLaM-like (E=8, top-2), a large dense-ish expert, fine-grained experts, Switch-like top-1, GLU;
    // then the presets' own shapes, so that their scenarios fall inside the profiled range: GLaM-1.7B
    // (d_ff 8192) with 1 expert per GPU (top-1: one expert cannot take two copies of a token) and with 8,
    // GLaM-64B (d_model 8192, d_ff 32768) with one expert per GPU, Switch-Base (768 x 3072, top-1) with 8.
    std::vector<Family> families = {{1024, 4096, 8, 2, false}, {4096, 4096, 8, 2, false},
                                    {2048, 1024, 64, 2, false}, {4096, 2048, 64, 1, false},
                                    {2048, 2048, 16, 4, true},  {2048, 8192, 1, 1, false},
                                    {2048, 8192, 8, 2, false},  {8192, 32768, 1, 1, false},
                                    {768, 3072, 8, 1, false}};
    std::vector<int> tokens = {1024, 4096, 16384};
    std::vector<double> skews = {0.0, 1.2};
    int reps = 30;
    if (quick) families = {{256, 256, 8, 2, false}}, tokens = {256, 1024}, skews = {0.0, 1.2}, reps = 5;
    for (const Family& fam : families)
      for (int t : tokens)
        for (double z : skews) {
          LayerConfig c;
          c.gating.tokens = t;
          c.gating.experts = fam.e;
          c.gating.k = fam.k;
          c.gating.policy = fam.k == 1 ? GatingPolicy::kTop1Switch : GatingPolicy::kTopK;
          c.gating.capacity_factor = 0.0;  // dropless: every copy is computed, as the cost model assumes
          c.d_model = fam.d, c.d_ff = fam.f, c.glu = fam.glu, c.zipf_s = z;
          for (const ProfileEntry& e : profile_layer(c, timer, handle, reps, true, log)) {
            log << "  " << std::setw(12) << to_string(e.kind) << " " << std::setw(14) << e.impl << " T=" << t
                << " d=" << fam.d << " f=" << fam.f << " E=" << fam.e << " k=" << fam.k
                << (fam.glu ? " glu" : "") << " zipf=" << z << "  " << std::setprecision(4)
                << e.median_s * 1e6 << " us  " << e.flops_per_s() / 1e12 << " TFLOP/s  "
                << e.bytes_per_s() / 1e9 << " GB/s\n";
            db.entries.push_back(e);
          }
        }
  }
  cublasDestroy(handle);
  write_profile_db(db, out_path);
  log << "wrote " << db.entries.size() << " entries to " << out_path << "\n";
  return 0;
}

}  // namespace moesim::kernels
