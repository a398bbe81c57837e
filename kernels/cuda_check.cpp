#include "kernels/cuda_check.h"

namespace moesim::kernels {

void throw_cuda_error(const char* what, const char* expr, const char* file, int line) {
  throw CudaError(std::string(file) + ":" + std::to_string(line) + ": " + expr + " failed: " + what);
}

}  // namespace moesim::kernels
