// libFuzzer target: arbitrary bytes as a scenario file, through everything `moesim simulate` does with one
// before and after the step simulation: the strict loader, every section reader, the cluster parser, the
// device-count checks, the accounting, and (for small scenarios) the step simulation itself with its
// output check. Bad input must end as a ConfigError; any other exception, a sanitizer report, a crash or a
// non-finite number in a result is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "reports/output_check.h"
#include "reports/scenario_run.h"
#include "topologies/cluster_spec.h"
#include "workloads/accounting.h"
#include "workloads/run_spec.h"
#include "workloads/yaml_reader.h"

namespace {

// Small enough to simulate thousands of inputs a minute (the analytic backend only: SimGrid allows one
// engine per process).
constexpr int kMaxSimulatedDevices = 64;
constexpr std::int64_t kMaxSimulatedLayerPasses = 2'000;  // layers x micro-batches
// Routing draws sample every token's experts: a 2.5M-word Shazeer batch takes seconds under the sanitizers.
constexpr double kMaxSimulatedTokens = 1 << 20;

void run_one(const std::string& text) {
  using namespace moesim;
  const YAML::Node root = load_yaml_text(text, "fuzz.yaml");
  const YamlMap map(root, "fuzz.yaml", "");
  const auto run = workloads::parse_run_spec(map);
  const auto cluster = topologies::parse_cluster(map.map("cluster"));
  workloads::check_parallelism(run, cluster.device_count(), map);
  const auto accounting = workloads::account_model(
      run.model, {run.training.sequence_length, workloads::bytes_per_element(run.training.precision)});
  reports::check_finite_output(workloads::to_json(accounting), "accounting");
  if (cluster.device_count() > kMaxSimulatedDevices ||
      run.model.total_layers() * run.parallelism.micro_batches > kMaxSimulatedLayerPasses ||
      static_cast<double>(run.training.global_batch_tokens) > kMaxSimulatedTokens)
    return;
  sim::SimulateOptions options;
  options.backend = "analytic";
  reports::check_finite_output(reports::simulate_scenario(root, "fuzz.yaml", options), "simulate");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    run_one(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const moesim::ConfigError&) {
    // the expected outcome for bad input
  }
  return 0;
}
