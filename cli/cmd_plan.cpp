// `moesim plan SCENARIO.yaml`: the fastest (or cheapest, or most frugal) layouts of the scenario that fit in
// memory, searched in one process (plan/planner.h); and `moesim plan-merge FILE...`: the shards of a plan
// spread over batch jobs, merged into one document and report.
#include <boost/program_options.hpp>
#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>

#include "cli/command.h"
#include "plan/plan_document.h"
#include "plan/plan_html.h"
#include "plan/planner.h"
#include "reports/json_output.h"
#include "workloads/config_error.h"
#include "workloads/scenario_overrides.h"
#include "workloads/yaml_reader.h"

namespace po = boost::program_options;

namespace moesim::cli {
namespace {

std::vector<std::int64_t> parse_devices(const std::string& text) {
  std::vector<std::int64_t> out;
  std::size_t start = 0;
  for (;;) {
    const auto comma = text.find(',', start);
    const std::string item =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::size_t used = 0;
    long long v = 0;
    try {
      v = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size() || v <= 0)
      throw ConfigError("", 0, "--devices",
                        "expected device counts such as 1024 or 512,1024, got '" + text + "'");
    out.push_back(v);
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

/// "[plan] 120/612 layouts simulated, 4.1 layouts/s, ETA 2 min 0 s" on stderr, at most once a second.
class ProgressLine {
 public:
  explicit ProgressLine(bool on) : on_(on), start_(Clock::now()), last_(start_) {}
  void operator()(std::size_t done, std::size_t total) {
    if (!on_) return;
    const auto now = Clock::now();
    if (done != total && now - last_ < std::chrono::seconds(1)) return;
    last_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    std::cerr << "[moesim plan] " << done << "/" << total << " layouts simulated, " << std::fixed
              << std::setprecision(1) << rate << " layouts/s";
    if (done < total && rate > 0) {
      const auto eta = static_cast<long long>(static_cast<double>(total - done) / rate + 0.5);
      std::cerr << ", ETA " << eta / 60 << " min " << eta % 60 << " s";
    }
    std::cerr << std::defaultfloat << "\n";
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool on_;
  Clock::time_point start_, last_;
};

void write_outputs(const nlohmann::json& doc, const std::string& json_path, const std::string& report_path) {
  std::ostream& text = reports::text_output(json_path);
  if (!json_path.empty()) {
    reports::write_json_output(json_path, doc, "--json", 1);
    if (json_path != reports::kStdoutPath) text << "wrote " << json_path << "\n";
  }
  if (!report_path.empty()) {
    plan::write_plan_html(report_path, doc, "--report");
    text << "wrote " << report_path << "\n";
  }
}

}  // namespace

int run_plan(const std::vector<std::string>& args) {
  po::options_description desc("moesim plan SCENARIO.yaml [options]");
  std::string scenario, devices, objective, json_path, report_path, shard_text = "0/1", backend = "analytic";
  std::vector<std::string> sets;
  int top = 0, jobs = 1;
  desc.add_options()("help,h", "show this help")(
      "devices", po::value(&devices),
      "plan for these device counts, e.g. 1024 or 512,1024 (default: the cluster's)")(
      "objective", po::value(&objective),
      "minimise: time (step time, default) | cost (of the run) | energy (per step)")(
      "top", po::value(&top), "layouts to print (default 10; the JSON has every simulated one)")(
      "json", po::value(&json_path), "write the plan document (README: moesim plan); - = stdout")(
      "report", po::value(&report_path), "write the HTML report: Pareto fronts and the top layouts")(
      "jobs,j", po::value(&jobs)->default_value(1), "processes simulating at once (fork; 1 = this one)")(
      "shard", po::value(&shard_text)->default_value("0/1"),
      "simulate only units i, i+n, ... of the layouts (0-based; merge the JSON files with plan-merge)")(
      "backend", po::value(&backend)->default_value("analytic"), "network backend: analytic | ptask | flow")(
      "set", po::value(&sets)->composing(),
      "override a scenario key, e.g. --set plan.max_tensor=4 or --set 'plan.recompute=[none, full]'")(
      "dry-run", "only enumerate and prune: print how many layouts are valid, fit and would be simulated")(
      "quiet,q", "no progress on stderr");
  po::variables_map vm;
  if (!parse_scenario_command(args, desc, scenario, vm)) return 0;
  plan::PlanCommandLine cli;
  if (!objective.empty()) cli.objective = plan::parse_objective(objective, "", "--objective");
  if (vm.count("top")) {
    if (top < 1) throw ConfigError("", 0, "--top", "expected at least 1, got " + std::to_string(top));
    cli.top = top;
  }
  if (!devices.empty()) cli.devices = parse_devices(devices);
  if (jobs < 1) throw ConfigError("", 0, "--jobs", "at least 1 process, got " + std::to_string(jobs));
  if (backend != "analytic" && backend != "ptask" && backend != "flow")
    throw ConfigError("", 0, "--backend", "expected analytic, ptask or flow, got '" + backend + "'");
  if (!report_path.empty()) plan::check_plan_html_path(report_path, "--report");
  plan::SearchOptions options;
  options.jobs = jobs;
  options.shard = reports::parse_shard(shard_text);
  options.backend = backend;
  ProgressLine progress(!vm.count("quiet"));
  options.progress = [&](std::size_t done, std::size_t total) { progress(done, total); };

  // Cloning for overrides loses YAML line marks, so only clone when there is something to override.
  const YAML::Node root = load_yaml_file(scenario);
  const auto problem = plan::read_plan_problem(
      sets.empty() ? root : workloads::apply_overrides(root, sets, scenario), scenario, cli);
  options.dry_run = vm.count("dry-run") > 0;
  const auto result = plan::search_layouts(problem, options);
  if (options.dry_run) {
    std::cout << "moesim plan --dry-run: " << result.candidate_layouts << " valid layouts ("
              << plan::describe(problem.spec) << "), " << result.pruned_layouts << " do not fit in memory, "
              << result.fitting_layouts << " would be simulated\n";
    return 0;
  }
  const auto doc = plan::plan_document(problem, result, options);
  plan::print_plan(reports::text_output(json_path), doc);
  write_outputs(doc, json_path, report_path);
  return 0;
}

int run_plan_merge(const std::vector<std::string>& args) {
  po::options_description desc("moesim plan-merge PLAN.json... [--json F] [--report F.html] [--top K]");
  std::vector<std::string> inputs;
  std::string json_path, report_path;
  int top = 0;
  desc.add_options()("help,h", "show this help")("json", po::value(&json_path),
                                                 "write the merged plan document (- = stdout)")(
      "report", po::value(&report_path), "write the merged HTML report")(
      "top", po::value(&top), "layouts to print (default: the plan's)");
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
  if (inputs.empty()) throw UsageError{"at least one plan document (moesim plan --shard i/n --json FILE)"};
  std::vector<nlohmann::json> docs;
  for (const auto& in : inputs) docs.push_back(plan::read_plan_document(in));
  auto doc = plan::merge_plan_documents(docs, inputs);
  if (vm.count("top")) {
    if (top < 1) throw ConfigError("", 0, "--top", "expected at least 1, got " + std::to_string(top));
    doc["top"] = top;
  }
  plan::print_plan(reports::text_output(json_path), doc);
  write_outputs(doc, json_path, report_path);
  return 0;
}

}  // namespace moesim::cli
