// `moesim validate [--json FILE] [--report FILE] [--filter SUBSTR] [--fast] [--table FILE]`: simulates the
// set-ups of the published figures (tests/validation/) and prints predicted vs published, error and
// pass/fail per figure. Exit code 0 when every evaluated figure is within its tolerance, 1 when one is not,
// 2 for bad input (a malformed table or scenario, a filter that selects nothing).
#include <boost/program_options.hpp>
#include <chrono>
#include <fstream>
#include <iostream>

#include "cli/command.h"
#include "reports/json_output.h"
#include "reports/report_units.h"
#include "reports/validation/validation_report.h"
#include "reports/validation/validation_suite.h"
#include "workloads/config_error.h"

namespace po = boost::program_options;

namespace moesim::cli {
namespace {

std::ofstream open_output(const std::string& path, const std::string& option) {
  std::ofstream out(path);
  if (!out) throw ConfigError(path, 0, option, "cannot write this file");
  return out;
}

/// One stderr line per evaluated row: "[3/21] glam-params: pass (4.2 s)".
validation::SuiteProgress progress_printer(bool on) {
  if (!on) return {};
  const auto start = std::chrono::steady_clock::now();
  return [start](std::size_t done, std::size_t total, const validation::FigureResult& r) {
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    const char* verdict = r.row.status != validation::FigureStatus::kEvaluated ? "not modelled"
                          : r.pass                                             ? "pass"
                                                                               : "FAIL";
    std::cerr << "moesim validate: [" << done << "/" << total << "] " << r.row.figure << ": " << verdict
              << " (" << reports::format_value(reports::Measure::kSeconds, elapsed.count()) << " elapsed)\n";
  };
}

}  // namespace

int run_validate(const std::vector<std::string>& args) {
  po::options_description desc("moesim validate [options]");
  std::string json_path, report_path, filter, table = validation::default_table_path();
  desc.add_options()("help,h", "show this help")(
      "json", po::value(&json_path),
      "write the rows as JSON (figure, source, published, predicted, "
      "error, tolerance, pass, ...); - = stdout")(
      "report", po::value(&report_path), "write a Markdown report with explanations and the mean error")(
      "filter", po::value(&filter), "only figures whose id, source or scenario contains this text")(
      "fast", "only the figures of the ctest suite (fast: true)")(
      "table", po::value(&table), "published-figure table (default: the one shipped in tests/validation/)")(
      "quiet,q", "no progress lines on stderr");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  const auto rows = validation::load_published_figures(table);
  const auto selected = validation::select_rows(rows, {filter, vm.count("fast") > 0});
  if (selected.empty()) throw UsageError{"no figure matches --filter '" + filter + "'"};

  const auto results = validation::run_suite(selected, table, validation::default_simulator(),
                                             progress_printer(!vm.count("quiet")));
  std::ostream& text = reports::text_output(json_path);
  validation::print_table(text, results);
  if (!json_path.empty()) {
    reports::write_json_output(json_path, validation::validation_document(results), "--json");
    if (json_path != reports::kStdoutPath) text << "wrote " << json_path << "\n";
  }
  if (!report_path.empty()) {
    auto out = open_output(report_path, "--report");
    validation::write_markdown(out, results);
    text << "wrote " << report_path << "\n";
  }
  return validation::all_evaluated_pass(results) ? 0 : 1;
}

}  // namespace moesim::cli
