// moesim — fork-per-point execution of a sweep, with a per-point timeout and a clean stop on SIGINT/SIGTERM.
#include "reports/sweep_runner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "workloads/config_error.h"

namespace moesim::reports {
namespace {

using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t g_stop_signal = 0;

extern "C" void on_stop_signal(int sig) {
  g_stop_signal = sig;
}

/// Installs the SIGINT/SIGTERM handlers of the parent for its lifetime and restores the previous ones.
class StopSignals {
 public:
  StopSignals() {
    g_stop_signal = 0;
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, &old_int_);
    ::sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopSignals() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

std::filesystem::path scratch_file(std::size_t index) {
  return std::filesystem::temp_directory_path() /
         ("moesim-sweep-" + std::to_string(::getpid()) + "-" + std::to_string(index) + ".json");
}

/// Runs in the child: simulate, write the outcome, never return.
[[noreturn]] void child_main(const SweepPoint& point, const PointSimulator& simulate,
                             const std::filesystem::path& out_path) {
  std::signal(SIGINT, SIG_DFL);  // the parent decides when the sweep stops; a child just dies
  std::signal(SIGTERM, SIG_DFL);
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
    out << outcome.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
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

struct Child {
  std::size_t pos;  ///< position in `points`
  Clock::time_point started;
  bool timed_out = false;
};

/// The running children of a sweep. Whatever happens in the parent (an exception included), no child
/// outlives the pool: the destructor kills and reaps those still running.
class ChildPool {
 public:
  ChildPool(const std::vector<SweepPoint>& points, const PointSimulator& simulate,
            const SweepRunOptions& options)
      : points_(points),
        simulate_(simulate),
        options_(options),
        done_(points.size()),
        finished_(points.size()) {}
  ~ChildPool() {
    kill_all();
    while (!running_.empty()) {
      int status = 0;
      const pid_t pid = ::waitpid(running_.begin()->first, &status, 0);
      if (pid < 0 && errno == EINTR) continue;
      running_.erase(running_.begin());
    }
  }
  ChildPool(const ChildPool&) = delete;
  ChildPool& operator=(const ChildPool&) = delete;

  std::size_t running() const { return running_.size(); }

  void start(std::size_t pos) {
    std::cout.flush();
    std::cerr.flush();
    const auto out_path = scratch_file(points_[pos].index);  // named after the parent's pid
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed while running the sweep");
    if (pid == 0) child_main(points_[pos], simulate_, out_path);
    running_[pid] = Child{pos, Clock::now()};
  }

  /// Collects one finished child if there is one; false when none has finished yet.
  bool reap_one() {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid < 0 && errno != EINTR && errno != ECHILD) throw std::runtime_error("waitpid failed in the sweep");
    if (pid <= 0) return false;
    const auto it = running_.find(pid);
    if (it == running_.end()) return true;  // not one of ours
    const Child child = it->second;
    running_.erase(it);
    record(child, status);
    return true;
  }

  void kill_overdue() {
    if (!(options_.point_timeout_s > 0)) return;
    const auto timeout = std::chrono::duration<double>(options_.point_timeout_s);
    for (auto& [pid, child] : running_) {
      if (!child.timed_out && Clock::now() - child.started > timeout) {
        child.timed_out = true;
        ::kill(pid, SIGKILL);
      }
    }
  }

  void kill_all() const {
    for (const auto& [pid, child] : running_) ::kill(pid, SIGKILL);
  }

  /// The finished records, in the order of the points.
  std::vector<nlohmann::json> records() {
    std::vector<nlohmann::json> out;
    for (std::size_t i = 0; i < points_.size(); ++i)
      if (finished_[i]) out.push_back(std::move(done_[i]));
    return out;
  }

 private:
  void record(const Child& child, int status) {
    auto r = collect(points_[child.pos], status, scratch_file(points_[child.pos].index));
    if (child.timed_out) {
      r["ok"] = false;
      r["error_kind"] = "timeout";
      r["error"] = "the point ran longer than --point-timeout " + std::to_string(options_.point_timeout_s) +
                   " s and was stopped";
      r.erase("result");
    }
    if (g_stop_signal != 0 && !child.timed_out && !r.value("ok", false) && r["error_kind"] == "crash")
      return;  // killed because the sweep was interrupted: not a result of the point
    done_[child.pos] = std::move(r);
    finished_[child.pos] = true;
    if (options_.on_done) options_.on_done(done_[child.pos]);
  }

  const std::vector<SweepPoint>& points_;
  const PointSimulator& simulate_;
  const SweepRunOptions& options_;
  std::map<pid_t, Child> running_;
  std::vector<nlohmann::json> done_;
  std::vector<bool> finished_;
};

}  // namespace

std::size_t SweepRun::failed() const {
  std::size_t n = 0;
  for (const auto& r : records) n += r.value("ok", false) ? 0 : 1;
  return n;
}

nlohmann::json settings_json(const SweepPoint& point) {
  nlohmann::json s = nlohmann::json::array();
  for (const auto& [k, v] : point.settings) s.push_back({k, v});
  return s;
}

SweepRun run_sweep_points(const std::vector<SweepPoint>& points, const PointSimulator& simulate,
                          const SweepRunOptions& options) {
  if (options.jobs < 1) throw ConfigError("", 0, "--jobs", "at least 1 parallel process");
  if (!(options.point_timeout_s >= 0)) throw ConfigError("", 0, "--point-timeout", "a time of 0 s or more");
  const StopSignals signals;
  ChildPool pool(points, simulate, options);
  std::size_t next = 0;
  while ((next < points.size() && g_stop_signal == 0) || pool.running() > 0) {
    if (g_stop_signal != 0) pool.kill_all();
    if (g_stop_signal == 0 && next < points.size() &&
        pool.running() < static_cast<std::size_t>(options.jobs)) {
      pool.start(next++);
      continue;
    }
    if (pool.reap_one()) continue;
    pool.kill_overdue();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  SweepRun run;
  run.interrupted_by = g_stop_signal;
  run.records = pool.records();
  return run;
}

}  // namespace moesim::reports
