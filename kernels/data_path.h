// moesim kernels — where moesim's data files (kernel profiles, the validation table) are at run time.
#pragma once

#include <string>

namespace moesim::kernels {

/// `<prefix>/share/moesim/<relative>` when the running executable is installed as `<prefix>/bin/...` (that
/// is, `<prefix>/share/moesim` exists beside it, as `cmake --install` lays it out); otherwise
/// `build_tree_path`, the source-tree path the build compiled in (for the build tree and the tests).
std::string data_path(const std::string& relative, const std::string& build_tree_path);

}  // namespace moesim::kernels
