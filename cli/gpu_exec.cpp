#include "cli/gpu_exec.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

namespace moesim::cli {

std::string gpu_helper_path() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto beside = self.parent_path() / "moesim-gpu";
    if (std::filesystem::exists(beside, ec)) return beside.string();
  }
#ifdef MOESIM_GPU_HELPER
  if (std::filesystem::exists(MOESIM_GPU_HELPER, ec)) return MOESIM_GPU_HELPER;
#endif
  return "";
}

int exec_gpu_helper(const std::string& command, const std::vector<std::string>& args) {
  const std::string helper = gpu_helper_path();
  if (helper.empty()) {
    std::cerr << "moesim " << command
              << ": built without CUDA (no nvcc at configure time, so no moesim-gpu helper): cannot run the "
                 "GPU kernels\n";
    return 2;
  }
  std::vector<std::string> argv_s{helper, command};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout.flush();
  execv(helper.c_str(), argv.data());
  std::cerr << "moesim " << command << ": cannot run " << helper << ": " << std::strerror(errno) << "\n";
  return 1;
}

}  // namespace moesim::cli
