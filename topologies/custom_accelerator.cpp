// `cluster.accelerator` as a mapping: a scenario's own chip (declared in topologies/custom_accelerator.h).
#include "topologies/custom_accelerator.h"

#include <cctype>

#include "topologies/accelerator_presets.h"

namespace moesim::topologies {
namespace {

using moesim::Bound;
using moesim::Unit;
using moesim::YamlMap;

/// A quantity that must carry its unit (a bare number is refused: `hbm: 80` could be bytes or GB).
std::optional<double> with_unit(const YamlMap& m, const std::string& key, Unit unit) {
  if (!m.has(key)) return std::nullopt;
  const YAML::Node n = m.raw(key);
  const std::string text = n.IsScalar() ? n.as<std::string>() : "";
  bool has_letter = false;
  for (char c : text)
    has_letter = has_letter || (std::isalpha(static_cast<unsigned char>(c)) && c != 'e' && c != 'E');
  if (!has_letter)
    m.fail(key, "expected " + std::string(unit_name(unit)) + " with its unit, e.g. " +
                    (unit == Unit::kBytes       ? "80 GB"
                     : unit == Unit::kBandwidth ? "3.35 TB/s"
                     : unit == Unit::kPower     ? "700 W"
                                                : "989 TFLOP/s") +
                    ", got '" + text + "'");
  return m.quantity(key, unit, Bound::kPositive);
}

void parse_peaks(const YamlMap& p, AcceleratorSpec& a) {
  std::vector<std::string> formats;
  for (std::size_t i = 0; i < kNumberFormats; ++i)
    formats.emplace_back(to_string(static_cast<NumberFormat>(i)));
  bool any = false;
  for (std::size_t i = 0; i < kNumberFormats; ++i) {
    const auto peak = with_unit(p, formats[i], Unit::kFlopRate);
    if (!peak) continue;
    any = true;
    auto& f = a.matmul[i];
    const double ceiling =
        f.ceiling > 0 ? f.ceiling : a.matmul[static_cast<std::size_t>(NumberFormat::kBf16)].ceiling;
    f = {*peak, ceiling, f.bf16_passes > 0 ? f.bf16_passes : 1};
  }
  p.finish(formats);
  if (!any)
    p.fail(formats[static_cast<std::size_t>(NumberFormat::kBf16)], "give at least one format's dense peak");
}

}  // namespace

AcceleratorSpec parse_custom_accelerator(const YamlMap& m) {
  AcceleratorSpec a;
  const auto like = m.optional_string("like");
  if (like) {
    const auto* base = lookup_accelerator(*like);
    if (!base) m.fail("like", "expected one of {" + accelerator_names() + "}, got '" + *like + "'");
    a = *base;
    a.matmul = {};
    for (std::size_t i = 0; i < kNumberFormats; ++i) a.matmul[i].ceiling = base->matmul[i].ceiling;
    a.tdp_w = a.idle_power_w = a.busy_power_w = a.max_power_w = a.system_avg_power_w = std::nullopt;
    a.compute.cuda_name = "";  // no measured profile applies to it
  } else {
    a.compute =
        detail::gpu_arch(static_cast<int>(m.integer("matrix_units")), detail::kAssumedStreamEfficiency, "");
    const double ceiling = m.quantity("matmul_ceiling", Unit::kCount, Bound::kPositive);
    if (ceiling > 1) m.fail("matmul_ceiling", "expected a fraction of the peak, at most 1");
    for (auto& f : a.matmul) f.ceiling = ceiling;
  }
  a.name = m.string("name");
  a.description = "custom accelerator" + (like ? " like " + *like : std::string());
  parse_peaks(m.map("peak_flops"), a);
  const auto& bf16 = a.matmul[static_cast<std::size_t>(NumberFormat::kBf16)];
  const auto& fp16 = a.matmul[static_cast<std::size_t>(NumberFormat::kFp16)];
  const auto& fp32 = a.matmul[static_cast<std::size_t>(NumberFormat::kFp32)];
  a.peak_dense_bf16_flop_per_s = bf16.peak_flop_per_s > 0   ? bf16.peak_flop_per_s
                                 : fp16.peak_flop_per_s > 0 ? fp16.peak_flop_per_s
                                                            : fp32.peak_flop_per_s;
  if (!m.has("hbm")) m.fail("hbm", "is required: the device memory, e.g. 80 GB");
  if (!m.has("hbm_bandwidth"))
    m.fail("hbm_bandwidth", "is required: the device memory bandwidth, e.g. 3.35 TB/s");
  a.hbm_bytes = *with_unit(m, "hbm", Unit::kBytes);
  a.hbm_bandwidth_Bps = *with_unit(m, "hbm_bandwidth", Unit::kBandwidth);
  if (auto v = with_unit(m, "interconnect_bandwidth", Unit::kBandwidth)) a.interconnect_bandwidth_Bps = *v;
  if (auto p = m.optional_map("power")) {
    a.tdp_w = with_unit(*p, "tdp", Unit::kPower);
    a.idle_power_w = with_unit(*p, "idle", Unit::kPower);
    p->finish({"tdp", "idle"});
    if (a.tdp_w && a.idle_power_w && *a.idle_power_w > *a.tdp_w)
      p->fail("idle", "expected at most power.tdp");
  }
  m.finish({"name", "like", "matrix_units", "matmul_ceiling", "peak_flops", "hbm", "hbm_bandwidth",
            "interconnect_bandwidth", "power"});
  if (lookup_accelerator(a.name)) m.fail("name", "'" + a.name + "' is a preset's name: choose another");
  return a;
}

}  // namespace moesim::topologies
