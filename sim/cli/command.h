// moesim — the `moesim` command's subcommands.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace moesim::cli {

/// One subcommand of `moesim`: `run` receives the arguments after the subcommand's name and returns the
/// process exit code (0 success, 1 internal failure, 2 bad input). ConfigError and option errors thrown
/// from `run` are turned into exit code 2 by main.
struct Command {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>& args);
};

/// All subcommands, in the order `moesim --help` lists them.
std::span<const Command> commands();

/// Thrown for a bad command line (unknown option, missing argument); main prints it with the usage, exit 2.
struct UsageError {
  std::string message;
};

}  // namespace moesim::cli
