// moesim — entry point: dispatches to a subcommand and maps errors to exit codes.
#include <boost/program_options/errors.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "workloads/config_error.h"

namespace {

void print_usage(std::ostream& out) {
  out << "moesim — simulator and performance model for Mixture-of-Experts clusters\n\n"
      << "usage: moesim COMMAND [options]   (moesim COMMAND --help for its options)\n\ncommands:\n";
  for (const auto& c : moesim::cli::commands()) {
    std::string name = c.name;
    name.resize(18, ' ');
    out << "  " << name << c.summary << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_usage(std::cout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "moesim " << MOESIM_VERSION << "\n";
    return 0;
  }
  for (const auto& c : moesim::cli::commands()) {
    if (args[0] != c.name) continue;
    std::vector<std::string> rest(args.begin() + 1, args.end());
    try {
      return c.run(rest);
    } catch (const moesim::ConfigError& e) {
      std::cerr << "moesim " << c.name << ": error: " << e.what() << "\n";
      return 2;
    } catch (const moesim::cli::UsageError& e) {
      std::cerr << "moesim " << c.name << ": error: " << e.message << "\n(see moesim " << c.name
                << " --help)\n";
      return 2;
    } catch (const boost::program_options::error& e) {
      std::cerr << "moesim " << c.name << ": error: " << e.what() << "\n(see moesim " << c.name
                << " --help)\n";
      return 2;
    } catch (const std::exception& e) {
      std::cerr << "moesim " << c.name << ": internal error: " << e.what() << "\n";
      return 1;
    }
  }
  std::cerr << "moesim: error: unknown command '" << args[0] << "'\n\n";
  print_usage(std::cerr);
  return 2;
}
