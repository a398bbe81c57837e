#include "workloads/config_error.h"

namespace moesim {
namespace {
std::string format(const std::string& file, int line, const std::string& key, const std::string& expected) {
  // Built by appending: GCC 12 warns falsely (-Wrestrict) on chained operator+ here.
  std::string out = file.empty() ? std::string("<input>") : file;
  if (line > 0) out.append(":").append(std::to_string(line));
  if (!key.empty()) out.append(": key '").append(key).append("'");
  out.append(": ").append(expected);
  return out;
}
}  // namespace

ConfigError::ConfigError(std::string file, int line, std::string key, const std::string& expected)
    : std::runtime_error(format(file, line, key, expected)),
      file_(std::move(file)),
      line_(line),
      key_(std::move(key)) {}

}  // namespace moesim
