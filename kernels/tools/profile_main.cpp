// moesim_kernels_profile [--out FILE] [--quick]: `moesim profile` as a standalone program for the GPU
// machine.
#include <exception>
#include <iostream>
#include <string>

#include "kernels/gpu_tools.h"

int main(int argc, char** argv) {
  std::string out = "profile.json";
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--out" && i + 1 < argc) {
      out = argv[++i];
    } else if (a == "--quick") {
      quick = true;
    } else {
      std::cerr << "usage: moesim_kernels_profile [--out FILE] [--quick]\n";
      return 2;
    }
  }
  try {
    return moesim::kernels::run_kernel_profile(out, std::cout, quick);
  } catch (const std::exception& e) {
    std::cerr << "moesim_kernels_profile: " << e.what() << "\n";
    return 1;
  }
}
