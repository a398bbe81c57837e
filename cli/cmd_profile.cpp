// `moesim profile [--out FILE]`: times the MoE CUDA kernels on the local GPU and writes a profile DB
// (kernels/profile_db.h). Without CUDA support or without a GPU it says so and returns 2.
#include <boost/program_options.hpp>
#include <iostream>

#include "cli/command.h"
#ifdef MOESIM_HAVE_CUDA
#include "kernels/gpu_tools.h"
#endif

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
#ifdef MOESIM_HAVE_CUDA
  return kernels::run_kernel_profile(vm["out"].as<std::string>(), std::cout, vm.count("quick") > 0);
#else
  std::cerr << "moesim profile: built without CUDA (no nvcc at configure time), cannot run the GPU kernels\n";
  return 2;
#endif
}

}  // namespace moesim::cli
