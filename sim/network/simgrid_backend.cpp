// The only file of moesim that includes SimGrid headers.
#include "sim/network/simgrid_backend.h"

#include <xbt/log.h>
#include <simgrid/s4u.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "sim/network/link_accounting.h"
#include "sim/network/simgrid_phase.h"
#include "sim/network/simgrid_platform.h"
#include "sim/network/subprocess.h"

namespace sg4 = simgrid::s4u;

namespace moesim::network {
namespace {

/// Speed of the timer hosts that model fixed overheads: overhead_s × kTimerSpeed FLOPs.
constexpr double kTimerSpeed_flops = 1e9;

bool g_engine_used = false;  // SimGrid: one engine per process

std::uint64_t pair_key(int src, int dst) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(src)) << 32) |
         static_cast<std::uint32_t>(dst);
}

/// Every (src, dst) pair the schedules send on, once.
std::vector<std::pair<int, int>> routed_pairs(const std::vector<Schedule>& schedules) {
  std::unordered_set<std::uint64_t> seen;
  std::vector<std::pair<int, int>> pairs;
  for (const auto& s : schedules)
    for (const auto& ph : s.phases)
      for (const auto& t : ph.transfers)
        if (t.src != t.dst && t.bytes > 0 && seen.insert(pair_key(t.src, t.dst)).second)
          pairs.emplace_back(t.src, t.dst);
  return pairs;
}

/// Two timer hosts per schedule: one for the phase overheads, one for the protocol floors (min_time_s),
/// which run concurrently with the transfers.
SimGridPlatform build_platform(const topologies::Topology& topo, const LinkModel& links,
                               const std::vector<Schedule>& schedules) {
  PlatformOptions options;
  options.host_speed_flops = kTimerSpeed_flops;
  return build_simgrid_platform(topo, links, routed_pairs(schedules), 2 * static_cast<int>(schedules.size()),
                                options);
}

/// Chains the phases of every schedule from completion callbacks: overhead (an Exec on the schedule's
/// timer host), then the phase's transfers together with its floor timer, then the next phase. A phase
/// repeated r times runs once with r x its bytes and r x its overhead and floor: under L07 sharing
/// (ptask) that is exactly r back-to-back repetitions; under flow sharing it lets faster flows of a
/// skewed phase finish early instead of waiting for the slowest at every repetition.
class Runner {
 public:
  Runner(BackendKind kind, const SimGridPlatform& platform, const std::vector<Schedule>& schedules)
      : kind_(kind), platform_(platform), schedules_(schedules), state_(schedules.size()) {}

  void start() {
    for (std::size_t s = 0; s < schedules_.size(); ++s) start_phase(s);
  }
  void on_completion(const sg4::Activity& a) {
    auto it = owner_.find(&a);
    if (it == owner_.end()) return;
    const std::size_t s = it->second;
    owner_.erase(it);
    auto& st = state_[s];
    if (--st.outstanding > 0) return;
    if (st.in_overhead) {
      start_transfers(s);
    } else {
      ++st.phase;
      start_phase(s);
    }
  }
  bool all_done() const {
    return std::all_of(state_.begin(), state_.end(), [](const State& s) { return s.done; });
  }
  double end_s(std::size_t s) const { return state_[s].end_s; }

 private:
  struct State {
    std::size_t phase = 0;
    int outstanding = 0;
    bool in_overhead = false;
    bool done = false;
    double end_s = 0;
    std::vector<sg4::ActivityPtr> live;  // keeps the current phase's activities alive
  };

  void track(std::size_t s, sg4::ActivityPtr a) {
    owner_.emplace(a.get(), s);
    state_[s].live.push_back(std::move(a));
    ++state_[s].outstanding;
  }

  void start_phase(std::size_t s) {
    auto& st = state_[s];
    st.live.clear();
    if (st.phase >= schedules_[s].phases.size()) {
      st.done = true;
      st.end_s = sg4::Engine::get_clock();
      return;
    }
    const Phase& ph = schedules_[s].phases[st.phase];
    double wait_s = ph.overhead_s * ph.repeat;
    if (st.phase == 0) wait_s += schedules_[s].launch_s;
    if (wait_s <= 0) return start_transfers(s);
    st.in_overhead = true;
    auto exec = sg4::Exec::init();
    exec->set_flops_amount(wait_s * kTimerSpeed_flops)->set_host(platform_.extra[2 * s]);
    track(s, exec);
    exec->start();
  }

  void start_transfers(std::size_t s) {
    auto& st = state_[s];
    st.in_overhead = false;
    const Phase& ph = schedules_[s].phases[st.phase];
    auto started = phase_activities(ph, platform_.devices, kind_);
    if (ph.min_time_s > 0) {
      auto floor = sg4::Exec::init();
      floor->set_flops_amount(ph.min_time_s * ph.repeat * kTimerSpeed_flops)
          ->set_host(platform_.extra[2 * s + 1]);
      started.push_back(floor);
    }
    if (started.empty()) {  // nothing crosses the network in this phase
      ++st.phase;
      return start_phase(s);
    }
    for (auto& a : started) track(s, a);
    for (auto& a : started) a->start();
  }

  BackendKind kind_;
  const SimGridPlatform& platform_;
  const std::vector<Schedule>& schedules_;
  std::vector<State> state_;
  std::unordered_map<const sg4::Activity*, std::size_t> owner_;
};

Runner* g_runner = nullptr;

int count_endpoints(const std::vector<Schedule>& schedules) {
  std::unordered_set<int> devices;
  for (const auto& s : schedules)
    for (const auto& p : s.phases)
      for (const auto& t : p.transfers)
        if (t.src != t.dst && t.bytes > 0) {
          devices.insert(t.src);
          devices.insert(t.dst);
        }
  return static_cast<int>(devices.size());
}

class SimGridBackend final : public NetworkBackend {
 public:
  SimGridBackend(BackendKind kind, const topologies::Topology& topology, BackendOptions options)
      : kind_(kind), topology_(topology), options_(std::move(options)) {
    if (!options_.links) options_.links = std::make_shared<const LinkModel>(LinkModel::of(topology_));
  }
  BackendKind kind() const override { return kind_; }
  using NetworkBackend::simulate;

  NetworkResult simulate(const std::vector<Schedule>& concurrent) override {
    if (kind_ == BackendKind::kFlow) {
      const int endpoints = count_endpoints(concurrent);
      if (endpoints > kFlowMaxEndpoints)
        throw std::invalid_argument("the flow backend simulates at most " +
                                    std::to_string(kFlowMaxEndpoints) + " endpoints (got " +
                                    std::to_string(endpoints) + "); use --backend analytic or ptask");
    }
    const auto wall_start = std::chrono::steady_clock::now();
    NetworkResult result;
    if (options_.isolate) {
      result.schedule_end_s = run_in_subprocess([&] { return run_engine(concurrent); });
    } else {
      if (g_engine_used)
        throw std::logic_error("SimGrid runs one simulation per process; start a new process for another");
      g_engine_used = true;
      result.schedule_end_s = run_engine(concurrent);
    }
    for (double e : result.schedule_end_s) result.time_s = std::max(result.time_s, e);
    fill_link_counters(topology_, *options_.links, accumulate_link_bytes(topology_, concurrent, true),
                       options_.keep_link_bytes, result);
    result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    return result;
  }

 private:
  /// Builds the platform, runs the engine, returns each schedule's completion time.
  std::vector<double> run_engine(const std::vector<Schedule>& concurrent) const {
    sg4::Engine engine("moesim");  // name-only constructor: no argv parsing (no --help/exit from SimGrid)
    if (!options_.simgrid_log) xbt_log_control_set("root.thresh:critical");
    if (kind_ == BackendKind::kPtask) {
      sg4::Engine::set_config("host/model:ptask_L07");
    } else {
      sg4::Engine::set_config("network/model:CM02");
      sg4::Engine::set_config("network/crosstraffic:0");
      // CM02 caps a flow at TCP-gamma / (2 × route latency) (4 MiB window by default): with µs latencies
      // that is below NVLink rates, and RDMA fabrics have no TCP window, so the cap is lifted.
      sg4::Engine::set_config("network/TCP-gamma:1e18");
    }
    const SimGridPlatform platform = build_platform(topology_, *options_.links, concurrent);

    std::vector<double> ends;
    {
      Runner runner(kind_, platform, concurrent);
      g_runner = &runner;
      sg4::Activity::on_completion_cb([](const sg4::Activity& a) {
        if (g_runner != nullptr) g_runner->on_completion(a);
      });
      runner.start();
      engine.run();
      g_runner = nullptr;
      if (!runner.all_done()) throw std::runtime_error("SimGrid stopped before every collective completed");
      for (std::size_t s = 0; s < concurrent.size(); ++s) ends.push_back(runner.end_s(s));
    }
    return ends;
  }

  BackendKind kind_;
  const topologies::Topology& topology_;
  BackendOptions options_;
};

}  // namespace

std::unique_ptr<NetworkBackend> make_simgrid_backend(BackendKind kind, const topologies::Topology& topology,
                                                     const BackendOptions& options) {
  if (kind == BackendKind::kAnalytic)
    throw std::invalid_argument("make_simgrid_backend: not a SimGrid backend");
  return std::make_unique<SimGridBackend>(kind, topology, options);
}

}  // namespace moesim::network
