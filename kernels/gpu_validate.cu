// moesim kernels — `moesim validate-kernels`: GPU vs CPU reference on random inputs, then achieved vs
// roofline.
#include <cmath>
#include <cstring>
#include <iomanip>
#include <sstream>

#include "kernels/gpu_layer.h"
#include "kernels/gpu_tools.h"

namespace moesim::kernels {
namespace {

struct Checker {
  std::ostream& out;
  bool ok = true;
  void report(const std::string& what, bool pass, const std::string& detail) {
    out << "  " << (pass ? "PASS " : "FAIL ") << std::left << std::setw(34) << what << std::right << " "
        << detail << "\n";
    ok = ok && pass;
  }
  template <class T>
  void exact(const std::string& what, const std::vector<T>& gpu, const std::vector<T>& cpu) {
    size_t bad = 0, first = gpu.size();
    for (size_t i = 0; i < std::min(gpu.size(), cpu.size()); ++i)
      if (std::memcmp(&gpu[i], &cpu[i], sizeof(T)) != 0) bad++, first = std::min(first, i);
    std::ostringstream d;
    d << "exact, " << cpu.size() << " values";
    if (gpu.size() != cpu.size()) d << ", size " << gpu.size() << " vs " << cpu.size();
    if (bad) d << ", " << bad << " differ (first at " << first << ")";
    report(what, bad == 0 && gpu.size() == cpu.size(), d.str());
  }
};

std::string policy_name(GatingPolicy p) {
  switch (p) {
    case GatingPolicy::kTop1Switch:
      return "top1-switch";
    case GatingPolicy::kTop2GShard:
      return "top2-gshard";
    case GatingPolicy::kTopK:
      return "topk";
    case GatingPolicy::kNoisyTopK:
      return "noisy-topk";
  }
  return "?";
}

void validate_case(const LayerConfig& c, uint64_t seed, cublasHandle_t handle, Checker& chk) {
  const GatingConfig& g = c.gating;
  chk.out << "case T=" << g.tokens << " d=" << c.d_model << " f=" << c.d_ff << " E=" << g.experts
          << " k=" << g.k << " " << policy_name(g.policy) << " cf=" << g.capacity_factor
          << (c.glu ? " geglu" : " gelu") << " zipf=" << c.zipf_s << "\n";
  GpuLayer L(c, seed);
  const auto x = random_bf16(L.x.size(), seed, 1, 1.0f);
  const auto wr = random_bf16(L.w_router.size(), seed, 2, std::sqrt(3.0f / c.d_model));
  const auto w1 = random_bf16(L.w1.size(), seed, 3, std::sqrt(3.0f / c.d_model));
  const auto w2 = random_bf16(L.w2.size(), seed, 4, std::sqrt(3.0f / c.d_ff));
  chk.exact("random inputs GPU = CPU", L.x.download(), x);

  // Router GEMM: fp32 output, bound K·2^-23·Σ|ab| (twice the fp32 accumulation bound).
  L.logits.poison();
  router_logits_gpu(handle, L.x.get(), L.w_router.get(), L.logits.get(), g.tokens, c.d_model, g.experts,
                    nullptr);
  const auto logits_gpu = L.logits.download();
  {
    double worst = 0.0;
    for (int t = 0; t < g.tokens; ++t)
      for (int e = 0; e < g.experts; ++e) {
        double ref = 0.0, mag = 0.0;
        for (int i = 0; i < c.d_model; ++i) {
          const double p = static_cast<double>(bf16_to_float(x[static_cast<size_t>(t) * c.d_model + i])) *
                           bf16_to_float(wr[static_cast<size_t>(i) * g.experts + e]);
          ref += p, mag += std::fabs(p);
        }
        const double got = logits_gpu[static_cast<size_t>(t) * g.experts + e];
        const double ratio =
            std::isfinite(got) ? std::fabs(got - ref) / (c.d_model * std::ldexp(mag, -23) + 1e-30) : 1e30;
        worst = std::max(worst, ratio);
      }
    std::ostringstream d;
    d << "max err / bound = " << worst;
    chk.report("router GEMM (cuBLAS)", worst <= 1.0, d.str());
  }
  // Gating, scan and dispatch on the GPU; the CPU routes the same logits.
  L.routing.dest_row.poison();
  L.rows.poison();
  const std::vector<int32_t> offset = L.route(handle, seed + 7, nullptr);
  const auto logits_used = L.logits.download();
  const Routing ref = route_cpu(logits_used, g);
  const Routing got = L.routing.download();
  chk.exact("gating: experts", got.expert, ref.expert);
  chk.exact("gating: gates (bit-exact)", got.gate, ref.gate);
  chk.exact("gating: requested counts", got.requested, ref.requested);
  chk.exact("gating: kept counts", got.kept, ref.kept);
  chk.exact("scan: expert offsets", got.offset, ref.offset);
  chk.exact("dispatch: destination rows", got.dest_row, ref.dest_row);
  {
    std::ostringstream d;
    int dropped = 0;
    for (int e = 0; e < g.experts; ++e) dropped += ref.requested[e] - ref.kept[e];
    d << "gpu " << got.aux_loss << " cpu " << ref.aux_loss << ", capacity " << ref.capacity << ", dropped "
      << dropped;
    chk.report("gating: aux loss", std::fabs(got.aux_loss - ref.aux_loss) <= 1e-6f * std::fabs(ref.aux_loss),
               d.str());
  }
  const int R = ref.total_kept();
  const auto rows_ref = dispatch_cpu(x, ref, c.d_model);
  chk.exact("dispatch: rows", L.rows.download(static_cast<size_t>(R) * c.d_model), rows_ref);

  const Activation act = c.glu ? Activation::kGeglu : Activation::kGelu;
  const GemmReference up_ref =
      expert_gemm_cpu(rows_ref, ref.offset, w1, g.experts, c.d_model, L.w1_cols, act);
  std::vector<bf16_bits> h_own;
  for (GemmImpl impl :
       {GemmImpl::kOwn, GemmImpl::kCublasLoop}) {  // grouped cuBLAS: no activation (gpu_moe.h)
    try {
      ExpertGemm up(impl, g.experts, c.d_model, L.w1_cols, act, L.max_rows);
      L.h.poison();
      up.run(L.rows.get(), L.routing.offset.get(), offset, L.w1.get(), L.h.get(), nullptr);
      const auto h = L.h.download(static_cast<size_t>(R) * c.d_ff);
      if (impl == GemmImpl::kOwn) h_own = h;
      std::ostringstream d;
      const double ratio = gemm_bound_ratio(h, up_ref, c.d_model);
      d << "max err / bound = " << ratio << ", rel L2 = " << gemm_rel_l2(h, up_ref);
      chk.report(std::string("expert up + act (") + to_string(impl) + ")", ratio <= 1.0, d.str());
    } catch (const CudaError& e) {
      chk.report(std::string("expert up (") + to_string(impl) + ")", impl == GemmImpl::kCublasGrouped,
                 std::string("not run: ") + e.what());
      cudaGetLastError();
    }
  }
  // Down projection on the own kernel's H, so that all implementations see the same input.
  DeviceBuffer<bf16_bits> h_in(std::max<size_t>(h_own.size(), 1));
  h_in.upload(h_own);
  const GemmReference down_ref =
      expert_gemm_cpu(h_own, ref.offset, w2, g.experts, c.d_ff, c.d_model, Activation::kNone);
  std::vector<bf16_bits> y_own;
  for (GemmImpl impl : {GemmImpl::kOwn, GemmImpl::kCublasLoop, GemmImpl::kCublasGrouped}) {
    try {
      ExpertGemm down(impl, g.experts, c.d_ff, c.d_model, Activation::kNone, L.max_rows);
      L.y.poison();
      down.run(h_in.get(), L.routing.offset.get(), offset, L.w2.get(), L.y.get(), nullptr);
      const auto y = L.y.download(static_cast<size_t>(R) * c.d_model);
      if (impl == GemmImpl::kOwn) y_own = y;
      std::ostringstream d;
      const double ratio = gemm_bound_ratio(y, down_ref, c.d_ff);
      d << "max err / bound = " << ratio << ", rel L2 = " << gemm_rel_l2(y, down_ref);
      chk.report(std::string("expert down (") + to_string(impl) + ")", ratio <= 1.0, d.str());
    } catch (const CudaError& e) {
      chk.report(std::string("expert down (") + to_string(impl) + ")", impl == GemmImpl::kCublasGrouped,
                 std::string("not run: ") + e.what());
      cudaGetLastError();
    }
  }
  L.y.upload(y_own);
  L.out.poison();
  combine_gpu(L.y.get(), c.d_model, L.routing, L.out.get(), nullptr);
  chk.exact("combine (bit-exact fp32 sum)", L.out.download(), combine_cpu(y_own, ref, c.d_model));
}

}  // namespace

int run_kernel_validation(std::ostream& out) {
  std::string why;
  if (!gpu_available(&why)) {
    out << "moesim validate-kernels: " << why << "\n";
    return 2;
  }
  cudaDeviceProp prop{};
  MOESIM_CUDA_CHECK(cudaGetDeviceProperties(&prop, 0));
  out << "validating on " << prop.name << "\n";
  cublasHandle_t handle;
  MOESIM_CUBLAS_CHECK(cublasCreate(&handle));
  Checker chk{out};
  auto make = [](int t, int d, int f, int e, int k, GatingPolicy p, double cf, bool glu, double zipf) {
    LayerConfig c;
    c.gating.tokens = t, c.gating.experts = e, c.gating.k = k, c.gating.policy = p,
    c.gating.capacity_factor = cf;
    c.gating.noise_std = 0.5f;
    c.d_model = d, c.d_ff = f, c.glu = glu, c.zipf_s = zipf;
    return c;
  };
  validate_case(make(1000, 256, 512, 8, 2, GatingPolicy::kTop2GShard, 1.25, false, 0.0), 11, handle, chk);
  validate_case(make(777, 384, 256, 64, 1, GatingPolicy::kTop1Switch, 1.0, false, 1.2), 12, handle, chk);
  validate_case(make(512, 512, 512, 16, 4, GatingPolicy::kNoisyTopK, 2.0, true, 0.0), 13, handle, chk);
  validate_case(make(300, 128, 128, 256, 8, GatingPolicy::kTopK, 0.0, false, 0.0), 14, handle, chk);
  validate_case(make(2048, 256, 384, 32, 2, GatingPolicy::kTopK, 1.0, true, 1.5), 15, handle, chk);

  // Achieved vs roofline at representative shapes (datasheet peaks of the profile header).
  out << "\nachieved vs roofline (median of 20, L2 flushed):\n";
  const double peak = 989.4e12,
               bw = std::string(prop.name).find("H200") != std::string::npos ? 4.8e12 : 3.35e12;
  {
    GpuTimer timer(nullptr);
    std::vector<LayerConfig> shapes = {make(4096, 4096, 4096, 64, 2, GatingPolicy::kTopK, 0.0, false, 0.0),
                                       make(16384, 4096, 4096, 8, 2, GatingPolicy::kTopK, 0.0, false, 0.0)};
    for (size_t i = 0; i < shapes.size(); ++i) {
      out << "shape T=" << shapes[i].gating.tokens << " d=4096 f=4096 E=" << shapes[i].gating.experts
          << " k=2\n";
      for (const ProfileEntry& e : profile_layer(shapes[i], timer, handle, 20, i == 1, out)) {
        const double roof = std::max(e.flops / peak, e.bytes / bw);
        out << "  " << std::left << std::setw(12) << to_string(e.kind) << std::setw(15) << e.impl
            << std::right << std::fixed << std::setprecision(1) << std::setw(9) << e.median_s * 1e6 << " us "
            << std::setw(7) << e.flops_per_s() / 1e12 << " TFLOP/s " << std::setw(7) << e.bytes_per_s() / 1e9
            << " GB/s  roofline " << std::setw(8) << roof * 1e6 << " us (" << std::setw(5)
            << 100.0 * roof / e.median_s << "% of roofline)\n"
            << std::defaultfloat;
      }
    }
  }
  cublasDestroy(handle);
  out << (chk.ok ? "ALL PASS" : "SOME CHECKS FAILED") << "\n";
  return chk.ok ? 0 : 1;
}

}  // namespace moesim::kernels
