// `moesim profile [--out FILE] [--quick]`: times the MoE CUDA kernels on the local GPU and writes a profile
// DB (kernels/profile_db.h). The GPU work runs in the `moesim-gpu` helper (cli/gpu_exec.h); without CUDA
// support or without a GPU it says so and returns 2.
#include <boost/program_options.hpp>
#include <iostream>

#include "cli/command.h"
#include "cli/gpu_exec.h"

namespace po = boost::program_options;

namespace moesim::cli {

int run_profile(const std::vector<std::string>& args) {
  po::options_description desc("moesim profile [options]");
  desc.add_options()("help,h", "show this help")(
      "out", po::value<std::string>()->default_value("profile.json"), "profile DB to write (JSON)")(
      "quick", "a tiny sweep (seconds), for checking the set-up");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  std::vector<std::string> helper_args{"--out", vm["out"].as<std::string>()};
  if (vm.count("quick")) helper_args.push_back("--quick");
  return exec_gpu_helper("profile", helper_args);
}

}  // namespace moesim::cli
