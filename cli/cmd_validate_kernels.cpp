// `moesim validate-kernels`: runs every MoE CUDA kernel against its CPU reference on random inputs and prints
// achieved vs roofline. Without CUDA support or without a GPU it says so and returns 2.
#include <boost/program_options.hpp>
#include <iostream>

#include "cli/command.h"
#ifdef MOESIM_HAVE_CUDA
#include "kernels/gpu_tools.h"
#endif

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
#ifdef MOESIM_HAVE_CUDA
  return kernels::run_kernel_validation(std::cout);
#else
  std::cerr << "moesim validate-kernels: built without CUDA (no nvcc at configure time), cannot run the GPU "
               "kernels\n";
  return 2;
#endif
}

}  // namespace moesim::cli
