// moesim — running the GPU commands (`profile`, `validate-kernels`) in the helper executable `moesim-gpu`,
// so that `moesim` itself never links or loads the CUDA libraries.
#pragma once

#include <string>
#include <vector>

namespace moesim::cli {

/// Path of the `moesim-gpu` helper: next to the running `moesim` executable (/proc/self/exe), else the
/// build tree's copy (compiled in). Empty when neither exists (moesim was built without CUDA).
std::string gpu_helper_path();

/// Replaces this process by `moesim-gpu COMMAND ARGS...` (execv). Returns only on failure: prints why on
/// stderr and returns 2 (no helper: built without CUDA) or 1 (exec failed).
int exec_gpu_helper(const std::string& command, const std::vector<std::string>& args);

}  // namespace moesim::cli
