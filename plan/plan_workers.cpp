#include "plan/plan_workers.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <iostream>
#include <stdexcept>
#include <string>

#include "plan/plan_json.h"

namespace moesim::plan {
namespace {

CacheStats sum_stats(const std::vector<ClusterEvaluator*>& evaluators) {
  CacheStats s;
  for (const auto* e : evaluators) {
    if (!e) continue;
    s.hits += e->cache_stats().hits;
    s.misses += e->cache_stats().misses;
  }
  return s;
}

void write_all(int fd, const std::string& text) {
  std::size_t at = 0;
  while (at < text.size()) {
    const auto n = ::write(fd, text.data() + at, text.size() - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ::_exit(3);  // the parent is gone
    at += static_cast<std::size_t>(n);
  }
}

/// The child: read unit indices until the command pipe closes, send one JSON line per outcome, then a
/// `done` line per unit and the cache counters at the end.
[[noreturn]] void child_main(int cmd_fd, int out_fd, const std::vector<EvaluationTask>& tasks,
                             const std::vector<std::vector<std::size_t>>& groups,
                             const std::vector<ClusterEvaluator*>& evaluators) {
  const auto start = sum_stats(evaluators);  // what the parent's evaluators had counted before the fork
  std::uint32_t g = 0;
  for (;;) {
    const auto n = ::read(cmd_fd, &g, sizeof g);
    if (n < 0 && errno == EINTR) continue;
    if (n != static_cast<ssize_t>(sizeof g)) break;
    for (const auto t : groups[g]) {
      const auto& task = tasks[t];
      const auto outcome = evaluators[task.cluster]->evaluate(task.layout);
      write_all(out_fd, nlohmann::json{{"task", t}, {"outcome", outcome_json(outcome)}}.dump() + "\n");
    }
    write_all(out_fd, nlohmann::json{{"done", g}}.dump() + "\n");
  }
  const auto s = sum_stats(evaluators);
  const nlohmann::json counts{s.hits - start.hits, s.misses - start.misses};
  write_all(out_fd, nlohmann::json{{"cache", counts}}.dump() + "\n");
  ::_exit(0);
}

struct Worker {
  pid_t pid = -1;
  int cmd_fd = -1;  ///< parent writes unit indices
  int out_fd = -1;  ///< parent reads outcome lines
  std::string buffer;
  std::vector<std::size_t> current;  ///< tasks of the unit it works on, not yet reported
};

class Pool {
 public:
  Pool(const std::vector<EvaluationTask>& tasks, const std::vector<std::vector<std::size_t>>& groups,
       const std::vector<ClusterEvaluator*>& evaluators, const EvaluationProgress& progress)
      : tasks_(tasks),
        groups_(groups),
        evaluators_(evaluators),
        progress_(progress),
        outcomes_(tasks.size()),
        reported_(tasks.size(), false) {
    for (std::size_t g = 0; g < groups.size(); ++g) order_.push_back(g);
    // Largest units first, so that the last ones to finish are small.
    std::stable_sort(order_.begin(), order_.end(),
                     [&](auto a, auto b) { return groups[a].size() > groups[b].size(); });
  }

  EvaluationResult run(int jobs) {
    for (int i = 0; i < jobs && i < static_cast<int>(order_.size()); ++i) spawn();
    for (auto& w : workers_) hand_out(w);
    while (std::any_of(workers_.begin(), workers_.end(), [](const Worker& w) { return w.out_fd >= 0; }))
      poll_once();
    for (std::size_t t = 0; t < tasks_.size(); ++t) {
      if (reported_[t]) continue;
      outcomes_[t].layout = tasks_[t].layout;
      outcomes_[t].error_kind = "crash";
      outcomes_[t].error = "the worker process simulating this layout died";
    }
    return {std::move(outcomes_), stats_};
  }

 private:
  void spawn() {
    int cmd[2], out[2];
    if (::pipe(cmd) != 0 || ::pipe(out) != 0) throw std::runtime_error("pipe failed for a plan worker");
    std::cout.flush();
    std::cerr.flush();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed for a plan worker");
    if (pid == 0) {
      ::close(cmd[1]);
      ::close(out[0]);
      for (const auto& w : workers_) {  // the siblings' pipes are not this child's
        ::close(w.cmd_fd);
        ::close(w.out_fd);
      }
      child_main(cmd[0], out[1], tasks_, groups_, evaluators_);
    }
    ::close(cmd[0]);
    ::close(out[1]);
    workers_.push_back({pid, cmd[1], out[0], {}, {}});
  }

  void hand_out(Worker& w) {
    if (next_ < order_.size()) {
      const auto g = static_cast<std::uint32_t>(order_[next_++]);
      w.current = groups_[g];
      if (::write(w.cmd_fd, &g, sizeof g) == static_cast<ssize_t>(sizeof g)) return;
    }
    if (w.cmd_fd >= 0) ::close(w.cmd_fd);  // no more work: the child sends its counters and exits
    w.cmd_fd = -1;
  }

  void on_line(Worker& w, const std::string& line) {
    const auto j = nlohmann::json::parse(line);
    if (j.contains("done")) return hand_out(w);
    if (j.contains("cache")) {
      stats_.hits += j["cache"][0].get<std::size_t>();
      stats_.misses += j["cache"][1].get<std::size_t>();
      return;
    }
    const auto t = j.at("task").get<std::size_t>();
    outcomes_[t] = outcome_from_json(j.at("outcome"), "plan worker");
    reported_[t] = true;
    std::erase(w.current, t);
    if (progress_) progress_(++done_, tasks_.size());
  }

  void poll_once() {
    std::vector<pollfd> fds;
    std::vector<Worker*> who;
    for (auto& w : workers_)
      if (w.out_fd >= 0) {
        fds.push_back({w.out_fd, POLLIN, 0});
        who.push_back(&w);
      }
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) return;
      throw std::runtime_error("poll failed while waiting for plan workers");
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Worker& w = *who[i];
      char buf[1 << 16];
      const auto n = ::read(w.out_fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {  // the child exited (or died): reap it; its unit's remaining tasks stay unreported
        ::close(w.out_fd);
        w.out_fd = -1;
        if (w.cmd_fd >= 0) ::close(w.cmd_fd);
        w.cmd_fd = -1;
        int status = 0;
        ::waitpid(w.pid, &status, 0);
        continue;
      }
      w.buffer.append(buf, static_cast<std::size_t>(n));
      for (auto nl = w.buffer.find('\n'); nl != std::string::npos; nl = w.buffer.find('\n')) {
        const std::string line = w.buffer.substr(0, nl);
        w.buffer.erase(0, nl + 1);
        on_line(w, line);
      }
    }
  }

  const std::vector<EvaluationTask>& tasks_;
  const std::vector<std::vector<std::size_t>>& groups_;
  const std::vector<ClusterEvaluator*>& evaluators_;
  const EvaluationProgress& progress_;
  std::vector<LayoutOutcome> outcomes_;
  std::vector<bool> reported_;
  std::vector<std::size_t> order_;
  std::size_t next_ = 0, done_ = 0;
  std::vector<Worker> workers_;
  CacheStats stats_;
};

}  // namespace

EvaluationResult evaluate_tasks(const std::vector<EvaluationTask>& tasks,
                                const std::vector<std::vector<std::size_t>>& groups,
                                const std::vector<ClusterEvaluator*>& evaluators, int jobs,
                                const EvaluationProgress& progress) {
  if (jobs < 1) throw std::invalid_argument("evaluate_tasks: jobs must be at least 1");
  if (jobs == 1 || groups.size() <= 1) {
    const auto before = sum_stats(evaluators);
    std::vector<LayoutOutcome> out(tasks.size());
    std::size_t done = 0;
    for (const auto& g : groups)
      for (const auto t : g) {
        out[t] = evaluators[tasks[t].cluster]->evaluate(tasks[t].layout);
        if (progress) progress(++done, tasks.size());
      }
    const auto after = sum_stats(evaluators);
    return {std::move(out), {after.hits - before.hits, after.misses - before.misses}};
  }
  return Pool(tasks, groups, evaluators, progress).run(jobs);
}

}  // namespace moesim::plan
