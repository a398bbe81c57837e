#include "reports/sweep_shard_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "workloads/config_error.h"

namespace moesim::reports {

SweepShardWriter::SweepShardWriter(std::string path, const nlohmann::json& header, std::string option)
    : path_(std::move(path)), partial_(path_ + ".partial"), option_(std::move(option)) {
  fd_ = ::open(partial_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw ConfigError(partial_, 0, option_, std::string("a writable directory: ") + std::strerror(errno));
  write_line(header);
}

SweepShardWriter::~SweepShardWriter() {
  if (fd_ >= 0) ::close(fd_);  // not finished (an exception): the .partial file keeps the finished points
}

void SweepShardWriter::write_line(const nlohmann::json& j) {
  const std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw ConfigError(partial_, 0, option_,
                        std::string("room to write the shard file: ") + std::strerror(errno));
    written += static_cast<std::size_t>(n);
  }
  ::fdatasync(fd_);
}

void SweepShardWriter::append(const nlohmann::json& record) {
  write_line(record);
}

void SweepShardWriter::finish() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  if (std::rename(partial_.c_str(), path_.c_str()) != 0)
    throw ConfigError(path_, 0, option_,
                      std::string("a shard file that can be renamed into place: ") + std::strerror(errno));
}

}  // namespace moesim::reports
