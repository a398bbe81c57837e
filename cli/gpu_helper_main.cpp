// moesim-gpu: the GPU commands of `moesim` in their own executable, the only one that links the CUDA
// libraries. `moesim profile ...` and `moesim validate-kernels` exec it (cli/gpu_exec.h), so every other
// moesim command starts without loading libcudart/libcublas.
//   moesim-gpu profile [--out FILE] [--quick]
//   moesim-gpu validate-kernels
#include <exception>
#include <iostream>
#include <string>

#include "kernels/gpu_tools.h"

int main(int argc, char** argv) {
  const std::string usage =
      "usage: moesim-gpu profile [--out FILE] [--quick] | moesim-gpu validate-kernels\n";
  if (argc < 2) {
    std::cerr << usage;
    return 2;
  }
  const std::string command = argv[1];
  try {
    if (command == "validate-kernels" && argc == 2) return moesim::kernels::run_kernel_validation(std::cout);
    if (command == "profile") {
      std::string out = "profile.json";
      bool quick = false;
      for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--out" && i + 1 < argc) {
          out = argv[++i];
        } else if (a == "--quick") {
          quick = true;
        } else {
          std::cerr << usage;
          return 2;
        }
      }
      return moesim::kernels::run_kernel_profile(out, std::cout, quick);
    }
    std::cerr << usage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "moesim " << command << ": " << e.what() << "\n";
    return 1;
  }
}
