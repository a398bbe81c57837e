// moesim — a sweep's shard file written point by point, so that an interrupted sweep keeps what it finished.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace moesim::reports {

/// Writes a shard file (sweep_document.h): the header line at once, then each record as its point finishes.
/// Lines go to `PATH.partial`, each with a single write(2) and flushed to disk, so the file only ever holds
/// whole lines; finish() renames it to PATH (atomic on one file system), so PATH, when it exists, is a
/// complete shard file. Cannot-write errors are ConfigErrors naming PATH and `option`.
class SweepShardWriter {
 public:
  SweepShardWriter(std::string path, const nlohmann::json& header, std::string option = "--out");
  ~SweepShardWriter();
  SweepShardWriter(const SweepShardWriter&) = delete;
  SweepShardWriter& operator=(const SweepShardWriter&) = delete;

  /// Appends one record line.
  void append(const nlohmann::json& record);
  /// Closes the file and renames it into place. Idempotent.
  void finish();
  const std::string& path() const { return path_; }

 private:
  void write_line(const nlohmann::json& j);

  std::string path_;
  std::string partial_;
  std::string option_;
  int fd_ = -1;
};

}  // namespace moesim::reports
