// moesim — fork-per-point execution of a sweep.
#include "reports/sweep_runner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "workloads/config_error.h"

namespace moesim::reports {
namespace {

std::filesystem::path scratch_file(std::size_t index) {
  return std::filesystem::temp_directory_path() /
         ("moesim-sweep-" + std::to_string(::getpid()) + "-" + std::to_string(index) + ".json");
}

/// Runs in the child: simulate, write the outcome, never return.
[[noreturn]] void child_main(const SweepPoint& point, const PointSimulator& simulate,
                             const std::filesystem::path& out_path) {
  nlohmann::json outcome;
  try {
    outcome = {{"ok", true}, {"result", simulate(point)}};
  } catch (const ConfigError& e) {
    outcome = {{"ok", false}, {"error_kind", "config"}, {"error", e.what()}};
  } catch (const std::exception& e) {
    outcome = {{"ok", false}, {"error_kind", "internal"}, {"error", e.what()}};
  }
  {
    std::ofstream out(out_path);
    out << outcome.dump();
  }
  std::cout.flush();
  std::cerr.flush();
  ::_exit(0);
}

nlohmann::json collect(const SweepPoint& point, int status, const std::filesystem::path& path) {
  nlohmann::json record{{"index", point.index}, {"settings", settings_json(point)}};
  nlohmann::json outcome;
  std::ifstream in(path);
  if (in) {
    try {
      in >> outcome;
    } catch (const nlohmann::json::exception&) {
      outcome = nullptr;
    }
  }
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (outcome.is_object()) {
    record.update(outcome);
    return record;
  }
  std::ostringstream why;
  if (WIFSIGNALED(status))
    why << "the point's process was killed by signal " << WTERMSIG(status);
  else
    why << "the point's process exited with code " << WEXITSTATUS(status) << " without a result";
  record["ok"] = false;
  record["error_kind"] = "crash";
  record["error"] = why.str();
  return record;
}

}  // namespace

nlohmann::json settings_json(const SweepPoint& point) {
  nlohmann::json s = nlohmann::json::array();
  for (const auto& [k, v] : point.settings) s.push_back({k, v});
  return s;
}

std::vector<nlohmann::json> run_sweep_points(const std::vector<SweepPoint>& points,
                                             const PointSimulator& simulate, int jobs,
                                             const std::function<void(const nlohmann::json&)>& on_done) {
  if (jobs < 1) throw ConfigError("", 0, "--jobs", "at least 1 parallel process");
  std::vector<nlohmann::json> records(points.size());
  std::map<pid_t, std::size_t> running;  // child pid -> position in `points`
  std::size_t next = 0;
  const auto reap_one = [&] {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) throw std::runtime_error("waitpid failed while running the sweep");
    const auto it = running.find(pid);
    if (it == running.end()) return;  // not one of ours
    const std::size_t pos = it->second;
    running.erase(it);
    records[pos] = collect(points[pos], status, scratch_file(points[pos].index));
    if (on_done) on_done(records[pos]);
  };
  while (next < points.size() || !running.empty()) {
    if (next < points.size() && running.size() < static_cast<std::size_t>(jobs)) {
      std::cout.flush();
      std::cerr.flush();
      const auto out_path = scratch_file(points[next].index);  // named after the parent's pid
      const pid_t pid = ::fork();
      if (pid < 0) throw std::runtime_error("fork failed while running the sweep");
      if (pid == 0) child_main(points[next], simulate, out_path);
      running[pid] = next++;
      continue;
    }
    reap_one();
  }
  return records;
}

}  // namespace moesim::reports
