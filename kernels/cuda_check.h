// moesim kernels — error checking for every CUDA runtime and cuBLAS call: a failure throws CudaError with the
// call's text, file and line.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace moesim::kernels {

/// A failed CUDA or cuBLAS call.
class CudaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void throw_cuda_error(const char* what, const char* expr, const char* file, int line);

inline void cuda_check(cudaError_t err, const char* expr, const char* file, int line) {
  if (err != cudaSuccess) throw_cuda_error(cudaGetErrorString(err), expr, file, line);
}
inline void cublas_check(cublasStatus_t st, const char* expr, const char* file, int line) {
  if (st != CUBLAS_STATUS_SUCCESS) throw_cuda_error(cublasGetStatusString(st), expr, file, line);
}

}  // namespace moesim::kernels

#define MOESIM_CUDA_CHECK(expr) ::moesim::kernels::cuda_check((expr), #expr, __FILE__, __LINE__)
#define MOESIM_CUBLAS_CHECK(expr) ::moesim::kernels::cublas_check((expr), #expr, __FILE__, __LINE__)
/// After a kernel launch: launch-configuration errors.
#define MOESIM_CUDA_CHECK_LAUNCH() \
  ::moesim::kernels::cuda_check(cudaGetLastError(), "kernel launch", __FILE__, __LINE__)
