// `moesim presets`: lists the built-in models, accelerators and clusters, one line each.
#include <boost/program_options.hpp>
#include <iostream>

#include <iomanip>
#include <sstream>

#include "cli/command.h"
#include "cli/presets_json.h"
#include "reports/json_output.h"
#include "reports/report_units.h"
#include "topologies/accelerator.h"
#include "topologies/cluster_presets.h"
#include "workloads/model_zoo.h"

namespace po = boost::program_options;

namespace moesim::cli {
namespace {

/// The format of AcceleratorSpec::peak_dense_bf16_flop_per_s: bf16, else fp16 (V100), else fp32 (K40).
std::string_view peak_format(const topologies::AcceleratorSpec& a) {
  for (auto f : {topologies::NumberFormat::kBf16, topologies::NumberFormat::kFp16}) {
    const auto* m = a.matmul_format(f);
    if (m && m->peak_flop_per_s > 0) return topologies::to_string(f);
  }
  return topologies::to_string(topologies::NumberFormat::kFp32);
}

}  // namespace

int run_presets(const std::vector<std::string>& args) {
  po::options_description desc("moesim presets [options]");
  std::string json_path;
  desc.add_options()("help,h", "show this help")(
      "json", po::value(&json_path), "write every preset with its key figures as JSON (- = stdout)");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  if (!json_path.empty()) {
    reports::write_json_output(json_path, presets_json(), "--json");
    if (json_path == reports::kStdoutPath) return 0;
  }
  auto line = [](const std::string& name, const std::string& what) {
    std::cout << "  " << std::left << std::setw(28) << name << what << "\n";
  };
  std::cout << "models (model.preset):\n";
  for (const auto& m : workloads::model_presets()) {
    std::ostringstream what;
    what << (m.is_moe() ? "MoE " : "dense ") << m.total_layers() << " layers, d_model " << m.d_model;
    if (m.is_moe()) what << ", " << m.experts << " experts top-" << m.top_k;
    what << " — " << m.source;
    line(m.name, what.str());
  }
  std::cout << "accelerators (cluster.accelerator):\n";
  for (const auto& a : topologies::accelerators()) {
    std::ostringstream what;
    what << reports::format_number(a.peak_dense_bf16_flop_per_s / 1e12) << " TFLOP/s " << peak_format(a)
         << ", " << reports::format_value(reports::Measure::kBytes, a.hbm_bytes) << ", "
         << reports::format_value(reports::Measure::kBytesPerS, a.hbm_bandwidth_Bps) << " — "
         << a.description;
    line(a.name, what.str());
  }
  std::cout << "clusters (cluster.preset):\n";
  for (const auto& c : topologies::cluster_presets()) {
    line(c.name, std::to_string(c.spec.device_count()) + " x " + c.spec.accelerator + " — " + c.description);
  }
  return 0;
}

}  // namespace moesim::cli
