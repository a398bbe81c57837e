// moesim — errors in user input.
#pragma once

#include <stdexcept>
#include <string>

namespace moesim {

/// A problem with what the user gave moesim: a scenario YAML, a profile DB, a command-line value.
/// It names the file, the line (0 when unknown), the key (dotted path such as `model.d_model`) and
/// what was expected. The `moesim` command prints what() and exits with code 2.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string file, int line, std::string key, const std::string& expected);

  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& key() const { return key_; }

 private:
  std::string file_;
  int line_;
  std::string key_;
};

}  // namespace moesim
