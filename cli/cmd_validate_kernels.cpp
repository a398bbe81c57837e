// `moesim validate-kernels`: runs every MoE CUDA kernel against its CPU reference on random inputs and prints
// achieved vs roofline. The GPU work runs in the `moesim-gpu` helper (cli/gpu_exec.h); without CUDA support
// or without a GPU it says so and returns 2.
#include <boost/program_options.hpp>
#include <iostream>

#include "cli/command.h"
#include "cli/gpu_exec.h"

namespace po = boost::program_options;

namespace moesim::cli {

int run_validate_kernels(const std::vector<std::string>& args) {
  po::options_description desc("moesim validate-kernels [options]");
  desc.add_options()("help,h", "show this help");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  return exec_gpu_helper("validate-kernels", {});
}

}  // namespace moesim::cli
