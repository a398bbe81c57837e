#include "sim/step/step_scheduler.h"

#include <algorithm>
#include <queue>
#include <stdexcept>

#include "sim/step/link_sharing.h"

namespace moesim::sim {
namespace {

/// Forward edges (CSR) from explicit dependencies plus stream program order, and each op's number of
/// unfinished predecessors.
struct Successors {
  std::vector<std::int32_t> offset;
  std::vector<std::int32_t> next;
  std::vector<std::int32_t> pending;
};

Successors build_successors(const StepGraph& graph) {
  const auto& ops = graph.ops();
  const auto& deps = graph.deps();
  const std::size_t n = ops.size();
  Successors s;
  s.pending.assign(n, 0);
  std::vector<std::int32_t> count(n, 0);
  const std::vector<std::int32_t> stream_prev = graph.stream_predecessors();
  for (std::size_t i = 0; i < n; ++i) {
    if (stream_prev[i] >= 0) ++count[static_cast<std::size_t>(stream_prev[i])];
    for (auto d : deps[i]) ++count[static_cast<std::size_t>(d)];
    s.pending[i] = static_cast<std::int32_t>(deps[i].size()) + (stream_prev[i] >= 0 ? 1 : 0);
  }
  s.offset.assign(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) s.offset[i + 1] = s.offset[i] + count[i];
  s.next.resize(static_cast<std::size_t>(s.offset[n]));
  std::vector<std::int32_t> fill(s.offset.begin(), s.offset.end() - 1);
  for (std::size_t i = 0; i < n; ++i) {
    const auto me = static_cast<std::int32_t>(i);
    if (stream_prev[i] >= 0)
      s.next[static_cast<std::size_t>(fill[static_cast<std::size_t>(stream_prev[i])]++)] = me;
    for (auto d : deps[i]) s.next[static_cast<std::size_t>(fill[static_cast<std::size_t>(d)]++)] = me;
  }
  return s;
}

enum class EventKind : std::uint8_t { kOpEnd, kLatencyEnd, kBytesEnd };

struct Event {
  double t;
  std::uint64_t seq;  // FIFO among events at the same time: runs are reproducible
  EventKind kind;
  std::int32_t id;        // op (kOpEnd) or collective
  std::uint32_t version;  // kBytesEnd: valid only while it matches the collective's version
  bool operator>(const Event& o) const { return t != o.t ? t > o.t : seq > o.seq; }
};

/// One run of the event loop over a graph.
class StepRun {
 public:
  StepRun(const StepGraph& graph, std::size_t resource_count)
      : graph_(graph), succ_(build_successors(graph)), sharing_(resource_count) {
    const auto n = graph.ops().size();
    const auto c = graph.collectives().size();
    schedule_.start_s.assign(n, 0);
    schedule_.end_s.assign(n, 0);
    arrived_.assign(c, 0);
    remaining_.assign(c, 0);
    speed_.assign(c, 1);
    version_.assign(c, 0);
  }

  Schedule run() {
    for (std::size_t i = 0; i < succ_.pending.size(); ++i)
      if (succ_.pending[i] == 0) release(static_cast<std::int32_t>(i));
    while (!events_.empty()) {
      const Event e = events_.top();
      events_.pop();
      ++schedule_.events;
      if (e.kind == EventKind::kBytesEnd && e.version != version_[static_cast<std::size_t>(e.id)]) continue;
      advance(e.t);
      switch (e.kind) {
        case EventKind::kOpEnd:
          finish(e.id);
          break;
        case EventKind::kLatencyEnd:
          begin_bytes(e.id);
          break;
        case EventKind::kBytesEnd:
          end_collective(e.id);
          break;
      }
    }
    if (finished_ != graph_.ops().size())
      throw std::logic_error("schedule_step: the step graph has a cycle or a collective deadlock");
    schedule_.makespan_s =
        schedule_.end_s.empty() ? 0.0 : *std::max_element(schedule_.end_s.begin(), schedule_.end_s.end());
    return std::move(schedule_);
  }

 private:
  const Collective& coll(std::int32_t c) const { return graph_.collectives()[static_cast<std::size_t>(c)]; }
  static double bandwidth_s(const Collective& c) { return std::max(0.0, c.duration_s - c.latency_s); }

  void push(double t, EventKind kind, std::int32_t id, std::uint32_t version = 0) {
    events_.push({t, seq_++, kind, id, version});
  }

  // `op` has no unfinished predecessor at now_.
  void release(std::int32_t id) {
    const auto& op = graph_.ops()[static_cast<std::size_t>(id)];
    if (op.collective < 0) {
      schedule_.start_s[static_cast<std::size_t>(id)] = now_;
      push(now_ + op.duration_s, EventKind::kOpEnd, id);
      return;
    }
    const auto c = static_cast<std::size_t>(op.collective);
    if (++arrived_[c] < static_cast<std::int32_t>(coll(op.collective).ops.size())) return;
    for (auto p : coll(op.collective).ops) schedule_.start_s[static_cast<std::size_t>(p)] = now_;
    push(now_ + coll(op.collective).latency_s, EventKind::kLatencyEnd, op.collective);
  }

  void finish(std::int32_t id) {
    ++finished_;
    schedule_.end_s[static_cast<std::size_t>(id)] = now_;
    const auto i = static_cast<std::size_t>(id);
    for (auto k = succ_.offset[i]; k < succ_.offset[i + 1]; ++k) {
      const auto next = succ_.next[static_cast<std::size_t>(k)];
      if (--succ_.pending[static_cast<std::size_t>(next)] == 0) release(next);
    }
  }

  void begin_bytes(std::int32_t c) {
    const auto& cl = coll(c);
    if (cl.uses.empty() || bandwidth_s(cl) <= 0) {  // shares nothing: takes its time alone
      push(now_ + bandwidth_s(cl), EventKind::kBytesEnd, c, version_[static_cast<std::size_t>(c)]);
      return;
    }
    remaining_[static_cast<std::size_t>(c)] = 1.0;
    active_.push_back(c);
    reshare();
  }

  void end_collective(std::int32_t c) {
    const auto it = std::find(active_.begin(), active_.end(), c);
    if (it != active_.end()) {
      active_.erase(it);
      reshare();
    }
    for (auto p : coll(c).ops) finish(p);
  }

  // Moves the byte work of every active collective forward to time t.
  void advance(double t) {
    for (auto c : active_) {
      const auto k = static_cast<std::size_t>(c);
      remaining_[k] = std::max(0.0, remaining_[k] - (t - now_) * speed_[k] / bandwidth_s(coll(c)));
    }
    now_ = t;
  }

  // New speeds for the active collectives, and their (re)predicted ends.
  void reshare() {
    demands_.clear();
    for (auto c : active_) demands_.push_back({bandwidth_s(coll(c)), &coll(c).uses});
    const auto speeds = sharing_.speeds(demands_);
    for (std::size_t i = 0; i < active_.size(); ++i) {
      const auto k = static_cast<std::size_t>(active_[i]);
      speed_[k] = speeds[i];
      ++version_[k];
      push(now_ + remaining_[k] * bandwidth_s(coll(active_[i])) / speed_[k], EventKind::kBytesEnd, active_[i],
           version_[k]);
    }
  }

  const StepGraph& graph_;
  Successors succ_;
  LinkSharing sharing_;
  Schedule schedule_;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events_;
  std::uint64_t seq_ = 0;
  double now_ = 0;
  std::size_t finished_ = 0;
  std::vector<std::int32_t> arrived_;
  std::vector<std::int32_t> active_;  // collectives moving bytes now
  std::vector<double> remaining_;     // per collective: fraction of its byte work left
  std::vector<double> speed_;         // per collective: current speed relative to alone
  std::vector<std::uint32_t> version_;
  std::vector<SharingDemand> demands_;
};

}  // namespace

Schedule schedule_step(const StepGraph& graph, std::size_t resource_count) {
  std::size_t needed = resource_count;
  for (const auto& c : graph.collectives())
    for (const auto& u : c.uses) needed = std::max(needed, static_cast<std::size_t>(u.resource) + 1);
  return StepRun(graph, needed).run();
}

}  // namespace moesim::sim
