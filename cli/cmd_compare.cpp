// `moesim compare SCENARIO.yaml --against gpt3-175b|B.yaml`: the scenario's MoE model and a dense reference
// on the same cluster and training budget, or two scenario files each as given, side by side
// (reports/compare.h), as Markdown, HTML, CSV or JSON.
#include <boost/program_options.hpp>
#include <iostream>

#include "cli/command.h"
#include "reports/compare.h"
#include "reports/json_output.h"
#include "reports/markdown_report.h"
#include "reports/output_check.h"
#include "reports/report_writer.h"

namespace po = boost::program_options;

namespace moesim::cli {

int run_compare(const std::vector<std::string>& args) {
  po::options_description desc("moesim compare SCENARIO.yaml [--against PRESET|B.yaml] [options]");
  std::string scenario, json_path, csv_path, backend;
  std::vector<std::string> reports_out;
  reports::CompareOptions options;
  desc.add_options()("help,h", "show this help")(
      "against", po::value(&options.against)->default_value("gpt3-175b"),
      "dense model preset to compare with (same cluster and budget), or a second scenario file (each "
      "simulated as given)")("report", po::value(&reports_out)->composing(),
                             "write the report: FILE.html or FILE.md (repeatable)")(
      "json", po::value(&json_path),
      "write the comparison document (both simulations and ratios) as JSON; - = stdout")(
      "csv", po::value(&csv_path), "write the side-by-side figures as CSV")(
      "set", po::value(&options.overrides)->composing(),
      "override a scenario key for both runs, e.g. --set cluster.devices=512")(
      "against-tensor", po::value<int>(),
      "tensor-parallel degree of the dense model (default: accelerators per server)")(
      "against-pipeline", po::value<int>(),
      "pipeline stages of the dense model (default: fewest that fit in HBM)")(
      "usd-per-accelerator-hour", po::value<double>(),
      "price for the cost rows (default: the scenario's cost section)")(
      "backend", po::value(&backend), "network backend: analytic | ptask | flow (default: the scenario's)")(
      "progress", "progress messages on stderr");
  po::variables_map vm;
  if (!parse_scenario_command(args, desc, scenario, vm)) return 0;
  if (vm.count("against-tensor")) options.layout.tensor = vm["against-tensor"].as<int>();
  if (vm.count("against-pipeline")) options.layout.pipeline = vm["against-pipeline"].as<int>();
  if (vm.count("usd-per-accelerator-hour"))
    options.usd_per_accelerator_hour = vm["usd-per-accelerator-hour"].as<double>();
  if (!backend.empty()) options.simulate.backend = backend;
  options.simulate.progress = vm.count("progress") > 0;
  // Check the output names before spending time on the simulations.
  for (const auto& r : reports_out) reports::check_report_path(r, "--report");
  if (!csv_path.empty()) reports::check_report_path(csv_path, "--csv");
  reports::check_json_output_path(json_path, "--json");

  const nlohmann::json doc = reports::run_comparison(scenario, options);
  reports::check_finite_output(doc, "compare");
  std::ostream& text = reports::text_output(json_path);
  text << reports::compare_markdown(doc);
  for (const auto& r : reports_out) {
    reports::write_report(r, doc, "--report");
    text << "wrote " << r << "\n";
  }
  if (!json_path.empty()) {
    reports::write_json_output(json_path, doc, "--json");
    if (json_path != reports::kStdoutPath) text << "wrote " << json_path << "\n";
  }
  if (!csv_path.empty()) {
    reports::write_report(csv_path, doc, "--csv");
    text << "wrote " << csv_path << "\n";
  }
  return 0;
}

}  // namespace moesim::cli
