#include <array>
#include <iostream>

#include "cli/command.h"

namespace moesim::cli {

// Each subcommand lives in its own file (cmd_NAME.cpp).
int run_presets(const std::vector<std::string>& args);
int run_simulate(const std::vector<std::string>& args);
int run_profile(const std::vector<std::string>& args);
int run_validate_kernels(const std::vector<std::string>& args);
int run_collective(const std::vector<std::string>& args);
int run_topology(const std::vector<std::string>& args);
int run_compare(const std::vector<std::string>& args);
int run_sweep(const std::vector<std::string>& args);
int run_sweep_merge(const std::vector<std::string>& args);
int run_validate(const std::vector<std::string>& args);
int run_plan(const std::vector<std::string>& args);
int run_plan_merge(const std::vector<std::string>& args);

std::span<const Command> commands() {
  static const std::array kCommands{
      Command{"simulate", "simulate one training step: time, breakdown, all-to-all traffic, energy, FLOPs",
              run_simulate},
      Command{"compare",
              "MoE scenario vs a dense model (gpt3-175b) on the same cluster, or two scenarios: report",
              run_compare},
      Command{"plan", "search the layouts that fit for the fastest (or cheapest) one, in one process",
              run_plan},
      Command{"plan-merge", "merge the shard documents of a plan into one document and report",
              run_plan_merge},
      Command{"sweep", "simulate a grid of scenario overrides (one process per point, shardable)", run_sweep},
      Command{"sweep-merge", "merge the shard files of a sweep into one report", run_sweep_merge},
      Command{"presets", "list built-in models, accelerators and clusters", run_presets},
      Command{"profile", "time the MoE CUDA kernels on the local GPU, write a profile DB", run_profile},
      Command{"validate-kernels", "check the CUDA kernels against the CPU references", run_validate_kernels},
      Command{"collective", "simulate one collective on the scenario's cluster (analytic, ptask, flow)",
              run_collective},
      Command{"topology", "describe the scenario's cluster: devices, switches, links, bisection; JSON, DOT",
              run_topology},
      Command{"validate",
              "predict the published figures (GLaM, Switch, GShard, Patterson) and check the errors",
              run_validate},
  };
  return kCommands;
}

bool parse_scenario_command(const std::vector<std::string>& args,
                            const boost::program_options::options_description& visible, std::string& scenario,
                            boost::program_options::variables_map& vm) {
  namespace po = boost::program_options;
  po::options_description hidden;
  hidden.add_options()("scenario", po::value(&scenario));
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return false;
  }
  if (scenario.empty()) throw UsageError{"a scenario YAML file is required"};
  return true;
}

}  // namespace moesim::cli
