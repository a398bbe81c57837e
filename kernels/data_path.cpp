#include "kernels/data_path.h"

#include <filesystem>

namespace moesim::kernels {

std::string data_path(const std::string& relative, const std::string& build_tree_path) {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return build_tree_path;
  const auto share = self.parent_path().parent_path() / "share" / "moesim";
  if (!std::filesystem::is_directory(share, ec)) return build_tree_path;
  return (share / relative).string();
}

}  // namespace moesim::kernels
