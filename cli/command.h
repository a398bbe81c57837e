// moesim — the `moesim` command's subcommands.
#pragma once

#include <boost/program_options.hpp>
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

/// Parses the arguments of a `moesim COMMAND SCENARIO.yaml [options]` subcommand: the options of `visible`
/// plus one positional scenario file, stored into `scenario`. Returns false when --help was asked for (the
/// help has then been printed); throws UsageError when the scenario is missing.
bool parse_scenario_command(const std::vector<std::string>& args,
                            const boost::program_options::options_description& visible, std::string& scenario,
                            boost::program_options::variables_map& vm);

/// Thrown for a bad command line (unknown option, missing argument); main prints it with the usage, exit 2.
struct UsageError {
  std::string message;
};

}  // namespace moesim::cli
