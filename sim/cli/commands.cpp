#include <array>

#include "sim/cli/command.h"

namespace moesim::cli {

// Each subcommand lives in its own file (cmd_NAME.cpp).
int run_presets(const std::vector<std::string>& args);

std::span<const Command> commands() {
  static const std::array kCommands{
      Command{"presets", "list built-in models, accelerators and clusters", run_presets},
  };
  return kCommands;
}

}  // namespace moesim::cli
