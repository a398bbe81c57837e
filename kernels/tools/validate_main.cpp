// moesim_kernels_validate: `moesim validate-kernels` as a standalone program for the GPU machine.
#include <exception>
#include <iostream>

#include "kernels/gpu_tools.h"

int main() {
  try {
    return moesim::kernels::run_kernel_validation(std::cout);
  } catch (const std::exception& e) {
    std::cerr << "moesim_kernels_validate: " << e.what() << "\n";
    return 1;
  }
}
