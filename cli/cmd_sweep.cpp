// `moesim sweep SCENARIO.yaml --set KEY=V1,V2,...`: the grid of overrides, one child process per point
// (reports/sweep_runner.h), written as a shard file (JSON lines) plus CSV, Markdown and HTML; and
// `moesim sweep-merge DIR... --out FILE`: the shards of a sweep spread over batch jobs, merged into one
// report.
#include <boost/program_options.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "cli/command.h"
#include "reports/markdown_report.h"
#include "reports/output_check.h"
#include "reports/report_units.h"
#include "reports/report_writer.h"
#include "reports/scenario_run.h"
#include "reports/sweep_document.h"
#include "reports/sweep_runner.h"
#include "reports/sweep_shard_writer.h"
#include "workloads/scenario_overrides.h"
#include "workloads/yaml_reader.h"

namespace po = boost::program_options;

namespace moesim::cli {
namespace {

/// `--point-timeout`: a time with its unit (`90 s`, `10 min`), or 0 for none.
double parse_point_timeout(const std::string& text) {
  if (text == "0") return 0;
  const auto t = parse_quantity(text, Unit::kTime);
  if (!t || !(*t > 0))
    throw ConfigError(
        "", 0, "--point-timeout",
        "expected " + std::string(unit_examples(Unit::kTime)) + " (or 0 for none), got '" + text + "'");
  return *t;
}

/// The summary line of the failed points, e.g. "2 of 8 points failed (1 config, 1 timeout)".
std::string failure_summary(const reports::SweepRun& run, std::size_t total) {
  std::map<std::string, int> kinds;
  for (const auto& r : run.records)
    if (!r.value("ok", false)) ++kinds[r.value("error_kind", "unknown")];
  std::string out = std::to_string(run.failed()) + " of " + std::to_string(total) + " points failed (";
  bool first = true;
  for (const auto& [k, n] : kinds) {
    out += (first ? "" : ", ") + std::to_string(n) + " " + k;
    first = false;
  }
  return out + ")";
}

/// sweep.csv / .md / .html in `out_dir` (prefixed shard-<i>- for one shard of several) and each --report.
void write_reports(const nlohmann::json& doc, const std::string& out_dir, const reports::Shard& shard,
                   const std::vector<std::string>& reports_out) {
  for (const char* name : {"sweep.csv", "sweep.md", "sweep.html"}) {
    const std::string path =
        (std::filesystem::path(out_dir) /
         (shard.count == 1 ? std::string(name) : "shard-" + std::to_string(shard.index) + "-" + name))
            .string();
    reports::write_report(path, doc, "--out");
    std::cout << "wrote " << path << "\n";
  }
  for (const auto& r : reports_out) {
    reports::write_report(r, doc, "--report");
    std::cout << "wrote " << r << "\n";
  }
}

/// 128 + the signal after an interrupt, 1 when a point failed (with the summary on stderr), else 0.
int exit_status(const reports::SweepRun& run, std::size_t total, const std::string& shard_file) {
  if (run.interrupted_by != 0) {
    std::cerr << "moesim sweep: interrupted by signal " << run.interrupted_by << ": " << run.records.size()
              << " of " << total << " points finished, kept in " << shard_file << "\n";
    return 128 + run.interrupted_by;
  }
  if (run.failed() > 0) {
    std::cerr << "moesim sweep: " << failure_summary(run, total) << "; see the table or " << shard_file
              << "\n";
    return 1;
  }
  return 0;
}

/// The stderr line of each finished point: "[3/8] point 5: ok, 12.40 s elapsed, ETA 20.67 s".
class SweepProgress {
 public:
  explicit SweepProgress(std::size_t total) : total_(total), start_(Clock::now()) {}

  void point_done(const nlohmann::json& record) {
    ++done_;
    const std::chrono::duration<double> elapsed = Clock::now() - start_;
    std::cerr << "  [" << done_ << "/" << total_ << "] point " << record["index"] << ": "
              << (record.value("ok", false) ? "ok" : "failed (" + record.value("error_kind", "") + ")")
              << ", " << reports::format_value(reports::Measure::kSeconds, elapsed.count()) << " elapsed";
    if (done_ < total_) {
      const double eta_s = elapsed.count() / static_cast<double>(done_) * static_cast<double>(total_ - done_);
      std::cerr << ", ETA " << reports::format_value(reports::Measure::kSeconds, eta_s);
    }
    std::cerr << "\n";
  }

 private:
  using Clock = std::chrono::steady_clock;
  std::size_t total_;
  std::size_t done_ = 0;
  Clock::time_point start_;
};

/// The options of `moesim sweep`, as given.
struct SweepCommandLine {
  std::string scenario, out_dir = "sweep-out", shard_text = "0/1", backend, timeout_text = "10 min";
  std::vector<std::string> sets, fixed, reports_out, links;
  int jobs = 2;
};

/// Parses the options into `c`; false when --help was asked for (and printed).
bool parse_sweep_command(const std::vector<std::string>& args, SweepCommandLine& c) {
  po::options_description desc("moesim sweep SCENARIO.yaml --set KEY=V1,V2,... [--set ...] [options]");
  desc.add_options()("help,h", "show this help")(
      "set", po::value(&c.sets)->composing(),
      "a swept key and its values, e.g. --set model.experts=16,32,64 (repeatable; a list value keeps its "
      "commas: --set 'cluster.fabric.dims=[4,4,8],[8,8,8]')")(
      "link", po::value(&c.links)->composing(),
      "swept keys that advance together instead of the cartesian product, e.g. --link "
      "devices,parallelism.data (the same number of values each; repeatable)")(
      "fix", po::value(&c.fixed)->composing(),
      "a single override applied to every point, e.g. --fix training.total_tokens=300B")(
      "jobs,j", po::value(&c.jobs)->default_value(2), "points simulated at once (one process each)")(
      "point-timeout", po::value(&c.timeout_text)->default_value("10 min"),
      "stop a point that runs longer than this (e.g. 90 s, 10 min; 0 = no limit); it is recorded as failed")(
      "shard", po::value(&c.shard_text)->default_value("0/1"),
      "run only points i, i+n, i+2n, ... of the grid (0-based: --shard "
      "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)")(
      "out", po::value(&c.out_dir)->default_value("sweep-out"),
      "directory for points-<i>-of-<n>.jsonl (merge with sweep-merge) and sweep.csv / .md / .html")(
      "report", po::value(&c.reports_out)->composing(),
      "also write the report here: FILE.html | .md | .csv | .json")(
      "backend", po::value(&c.backend), "network backend: analytic | ptask | flow (default: the scenario's)");
  po::variables_map vm;
  return parse_scenario_command(args, desc, c.scenario, vm);
}

}  // namespace

int run_sweep(const std::vector<std::string>& args) {
  SweepCommandLine c;
  if (!parse_sweep_command(args, c)) return 0;
  if (c.sets.empty()) throw UsageError{"at least one --set KEY=V1,V2,... to sweep"};
  auto axes = reports::parse_sweep_axes(c.sets);
  reports::link_sweep_axes(axes, c.links);
  const auto shard = reports::parse_shard(c.shard_text);
  if (c.jobs < 1)
    throw ConfigError("", 0, "--jobs", "at least 1 parallel process, got " + std::to_string(c.jobs));
  for (const auto& r : c.reports_out) reports::check_report_path(r, "--report");
  const double point_timeout_s = parse_point_timeout(c.timeout_text);
  const YAML::Node base =
      workloads::apply_overrides(load_yaml_file(c.scenario), c.fixed, c.scenario, "--fix");
  std::error_code ec;
  std::filesystem::create_directories(c.out_dir, ec);
  if (ec) throw ConfigError(c.out_dir, 0, "--out", "a directory that can be created (" + ec.message() + ")");

  std::vector<reports::SweepPoint> points;
  for (const auto i : reports::shard_indices(reports::grid_size(axes), shard))
    points.push_back(reports::grid_point(axes, i));
  sim::SimulateOptions options;
  if (!c.backend.empty()) options.backend = c.backend;
  std::cerr << "moesim sweep: " << points.size() << " of " << reports::grid_size(axes) << " points (shard "
            << c.shard_text << "), " << c.jobs << " at a time\n";
  const auto simulate = [&](const reports::SweepPoint& p) {
    auto result = reports::simulate_scenario(workloads::apply_overrides(base, p.overrides(), c.scenario),
                                             c.scenario, options);
    reports::check_finite_output(result, "simulate");
    return result;
  };
  const auto header = reports::sweep_header(c.scenario, axes, shard);
  const auto shard_file =
      std::filesystem::path(c.out_dir) /
      ("points-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count) + ".jsonl");
  reports::SweepShardWriter shard_out(shard_file.string(), header);
  SweepProgress progress(points.size());
  reports::SweepRunOptions run_options{c.jobs, point_timeout_s, [&](const nlohmann::json& r) {
                                         shard_out.append(r);
                                         progress.point_done(r);
                                       }};
  const auto run = reports::run_sweep_points(points, simulate, run_options);
  shard_out.finish();
  const auto doc = reports::make_sweep_document({header}, run.records);
  std::cout << reports::sweep_markdown(doc) << "wrote " << shard_file.string() << "\n";
  write_reports(doc, c.out_dir, shard, c.reports_out);
  return exit_status(run, points.size(), shard_file.string());
}

int run_sweep_merge(const std::vector<std::string>& args) {
  po::options_description desc("moesim sweep-merge DIR_OR_FILE... --out FILE [--out FILE ...]");
  std::vector<std::string> inputs, outs;
  desc.add_options()("help,h", "show this help")(
      "out", po::value(&outs)->composing(), "merged report: FILE.html | .md | .csv | .json (repeatable)");
  po::options_description hidden;
  hidden.add_options()("input", po::value(&inputs)->composing());
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("input", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  if (inputs.empty()) throw UsageError{"at least one sweep output directory or shard file (*.jsonl)"};
  if (outs.empty()) throw UsageError{"--out FILE (.html, .md, .csv or .json)"};
  const auto doc = reports::merge_sweep_files(inputs);
  std::cout << reports::sweep_markdown(doc);
  for (const auto& o : outs) {
    reports::write_report(o, doc, "--out");
    std::cout << "wrote " << o << "\n";
  }
  if (!doc["missing"].empty())
    std::cerr << "moesim sweep-merge: warning: " << doc["missing"].size() << " of " << doc["grid_size"]
              << " points missing (a shard not run or not given): " << doc["missing"].dump() << "\n";
  return 0;
}

}  // namespace moesim::cli
