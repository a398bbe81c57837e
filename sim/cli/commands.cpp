#include <array>

#include "sim/cli/command.h"

namespace moesim::cli {

// Each subcommand lives in its own file (cmd_NAME.cpp).
int run_presets(const std::vector<std::string>& args);
int run_simulate(const std::vector<std::string>& args);
int run_profile(const std::vector<std::string>& args);
int run_validate_kernels(const std::vector<std::string>& args);
int run_collective(const std::vector<std::string>& args);
int run_topology(const std::vector<std::string>& args);

std::span<const Command> commands() {
  static const std::array kCommands{
      Command{"simulate", "simulate one training step: time, breakdown, all-to-all traffic, energy, FLOPs",
              run_simulate},
      Command{"presets", "list built-in models, accelerators and clusters", run_presets},
      Command{"profile", "time the MoE CUDA kernels on the local GPU, write a profile DB", run_profile},
      Command{"validate-kernels", "check the CUDA kernels against the CPU references", run_validate_kernels},
      Command{"collective", "simulate one collective on the scenario's cluster (analytic, ptask, flow)",
              run_collective},
      Command{"topology", "describe the scenario's cluster: devices, switches, links, bisection; JSON, DOT",
              run_topology},
  };
  return kCommands;
}

}  // namespace moesim::cli
