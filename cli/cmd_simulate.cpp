// `moesim simulate SCENARIO.yaml`: one training step of the scenario — time, breakdown, traffic, energy.
#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>

#include "cli/command.h"
#include "reports/json_output.h"
#include "reports/output_check.h"
#include "reports/scenario_run.h"
#include "reports/step_report.h"
#include "reports/trace_writer.h"
#include "workloads/config_error.h"

namespace po = boost::program_options;

namespace moesim::cli {

int run_simulate(const std::vector<std::string>& args) {
  po::options_description desc("moesim simulate SCENARIO.yaml [options]");
  std::string scenario, json_path, trace_path, report_path, backend, profile;
  std::vector<std::string> sets;
  desc.add_options()("help,h", "show this help")(
      "backend", po::value(&backend), "network backend: analytic | ptask | flow (default: the scenario's)")(
      "json", po::value(&json_path), "write the result as JSON (keys documented in the README); - = stdout")(
      "trace", po::value(&trace_path),
      "write a Chrome/Perfetto trace of the step (devices: simulation.trace_devices)")(
      "report", po::value(&report_path),
      "write a report of the step: F.html (timeline of the traced devices' streams, breakdown, link tiers, "
      "memory; self-contained) or F.md (the same tables)")(
      "set", po::value(&sets)->composing(), "override a scenario key, e.g. --set model.capacity_factor=2.0")(
      "profile", po::value(&profile),
      "measured kernel profile DB (moesim profile) to use instead of compute.profile; it must have been "
      "measured on the scenario's accelerator")("quiet,q", "no progress messages on stderr");
  po::variables_map vm;
  if (!parse_scenario_command(args, desc, scenario, vm)) return 0;
  if (!report_path.empty()) reports::check_step_report_path(report_path);
  reports::check_json_output_path(json_path, "--json");
  sim::SimulateOptions options;
  if (!backend.empty()) options.backend = backend;
  options.profile_path = profile;
  options.progress = !vm.count("quiet");
  options.keep_timeline = !trace_path.empty() || !report_path.empty();
  const auto run = reports::run_scenario_file(scenario, sets, options);
  if (!trace_path.empty()) {
    std::ofstream out(trace_path);
    if (!out) throw ConfigError(trace_path, 0, "--trace", "cannot write the trace file");
    reports::write_chrome_trace(out, run.timeline, run.devices_per_simulated, run.link_tiers);
  }
  const auto& result = run.result;
  reports::check_finite_output(result, "simulate");
  std::ostream& text = reports::text_output(json_path);
  reports::print_simulation(text, result);
  if (!json_path.empty()) {
    reports::write_json_output(json_path, result, "--json");
    if (json_path != reports::kStdoutPath) text << "wrote " << json_path << "\n";
  }
  if (!trace_path.empty()) text << "wrote " << trace_path << " (open in ui.perfetto.dev)\n";
  if (!report_path.empty()) {
    reports::write_step_report(report_path, run);
    text << "wrote " << report_path << "\n";
  }
  return 0;
}

}  // namespace moesim::cli
