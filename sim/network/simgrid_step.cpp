// A whole step DAG on SimGrid (declared in sim/network/step_dag.h). One of the files of moesim that include
// SimGrid headers.
#include <xbt/log.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <memory>
#include <simgrid/s4u.hpp>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "sim/network/link_model.h"
#include "sim/network/simgrid_backend.h"
#include "sim/network/simgrid_energy.h"
#include "sim/network/simgrid_phase.h"
#include "sim/network/simgrid_platform.h"
#include "sim/network/step_dag.h"
#include "sim/network/subprocess.h"

namespace sg4 = simgrid::s4u;

namespace moesim::network {
namespace {

/// Speed of the hosts that stand for compute units and fixed overheads: a duration t is t × kSpeed FLOPs.
constexpr double kSpeed_flops = 1e9;
/// Hosts that run the fixed overheads (launch and per-step latencies) of the collectives in flight, one
/// overhead per host at a time (the ptask model does not give a multi-core host's cores to separate
/// activities: they would share one core and stretch each other's latencies).
constexpr std::size_t kMaxTimers = 4096;

/// The cluster (from build_simgrid_platform), a compute host per simulated device, and the timer pool.
struct Platform {
  SimGridPlatform net;
  std::vector<sg4::Host*> compute;  ///< one per simulated device
  std::vector<sg4::Host*> state;    ///< with energy: kChipStates per simulated device (simgrid_energy.h)
  std::vector<sg4::Host*> timers;   ///< for the collectives' fixed overheads and protocol floors
};

std::uint64_t pair_key(int src, int dst) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(src)) << 32) |
         static_cast<std::uint32_t>(dst);
}

Platform build_platform(const topologies::Topology& topo, const StepDag& dag, int state_hosts) {
  std::unordered_set<std::uint64_t> seen;
  std::vector<std::pair<int, int>> pairs;
  std::size_t schedules = 0;
  for (const auto& t : dag.tasks)
    if (t.collective >= 0)
      schedules += dag.collectives[static_cast<std::size_t>(t.collective)].schedules.size();
  for (const auto& c : dag.collectives)
    for (const auto& s : c.schedules)
      for (const auto& ph : s.phases)
        for (const auto& t : ph.transfers)
          if (t.src != t.dst && t.bytes > 0 && seen.insert(pair_key(t.src, t.dst)).second)
            pairs.emplace_back(t.src, t.dst);
  const std::size_t timers = std::max<std::size_t>(1, std::min(2 * schedules, kMaxTimers));
  PlatformOptions options;
  options.host_speed_flops = kSpeed_flops;
  Platform p;
  p.net = build_simgrid_platform(topo, LinkModel::of(topo), pairs,
                                 dag.compute_devices + state_hosts + static_cast<int>(timers), options);
  const auto first_state = p.net.extra.begin() + dag.compute_devices;
  p.compute.assign(p.net.extra.begin(), first_state);
  p.state.assign(first_state, first_state + state_hosts);
  p.timers.assign(first_state + state_hosts, p.net.extra.end());
  return p;
}

/// Drives the DAG from completion callbacks: a task starts once its dependencies have ended; a collective
/// task runs all its schedules phase by phase (overhead on the timer host, then the phase's activities).
class StepRunner {
 public:
  StepRunner(const StepDag& dag, const Platform& platform, BackendKind kind, ChipEnergyTracker* energy)
      : dag_(dag),
        platform_(platform),
        kind_(kind),
        energy_(energy),
        pending_(dag.tasks.size(), 0),
        succ_(dag.tasks.size()) {
    for (std::size_t i = platform.timers.size(); i-- > 0;) free_timers_.push_back(static_cast<int>(i));
    for (std::size_t t = 0; t < dag.tasks.size(); ++t) {
      pending_[t] = static_cast<int>(dag.tasks[t].deps.size());
      for (int d : dag.tasks[t].deps) succ_[static_cast<std::size_t>(d)].push_back(static_cast<int>(t));
    }
    times_.start_s.assign(dag.tasks.size(), 0.0);
    times_.end_s.assign(dag.tasks.size(), 0.0);
  }

  void start() {
    for (std::size_t t = 0; t < dag_.tasks.size(); ++t)
      if (pending_[t] == 0) ready_.push_back(static_cast<int>(t));
    drain();
  }

  void on_completion(const sg4::Activity& a) {
    const auto it = owner_.find(&a);
    if (it == owner_.end()) {
      if (energy_ != nullptr) energy_->on_completion(a);  // the energy plugins' twins and markers
      return;
    }
    const Owner o = it->second;
    owner_.erase(it);
    if (o.schedule < 0) {
      finished_.push_back(o.task);
    } else {
      auto& st = schedules_[static_cast<std::size_t>(o.schedule)];
      if (o.timer >= 0) free_timers_.push_back(o.timer);
      if (--st.outstanding == 0) {
        if (st.in_overhead && st.phase < st.schedule->phases.size()) {
          start_transfers(o.schedule);
        } else if (st.in_overhead) {  // the launch of a schedule of no phase
          st.in_overhead = false;
          start_phase(o.schedule);
        } else {
          ++st.phase;
          start_phase(o.schedule);
        }
      }
    }
    drain();
  }

  bool all_done() const { return done_ == dag_.tasks.size(); }
  DagTimes times() const { return times_; }

 private:
  struct Owner {
    int task;
    int schedule;    // -1: the compute Exec of `task`
    int timer = -1;  // the timer host an overhead ran on, given back when it ends
  };
  struct ScheduleRun {
    int task = 0;
    const Schedule* schedule = nullptr;
    std::size_t phase = 0;
    int outstanding = 0;
    bool in_overhead = false;
    bool launched = false;  // its launch latency is paid (with the first phase's overhead)
    std::vector<sg4::ActivityPtr> live;
  };

  // Starts what became ready and ends what finished, until neither is left (zero-time tasks end at once).
  void drain() {
    while (!ready_.empty() || !finished_.empty()) {
      if (!finished_.empty()) {
        const int t = finished_.front();
        finished_.pop_front();
        times_.end_s[static_cast<std::size_t>(t)] = sg4::Engine::get_clock();
        ++done_;
        if (energy_ != nullptr) energy_ended(t);
        for (int n : succ_[static_cast<std::size_t>(t)])
          if (--pending_[static_cast<std::size_t>(n)] == 0) ready_.push_back(n);
        continue;
      }
      const int t = ready_.front();
      ready_.pop_front();
      begin(t);
    }
    if (energy_ == nullptr) return;
    energy_->settle();
    if (all_done()) energy_->finish();
  }

  // The energy tracker follows the chip states: a compute task (with a length) or a collective started...
  void energy_started(int t) {
    const auto& task = dag_.tasks[static_cast<std::size_t>(t)];
    if (task.collective >= 0)
      energy_->collective_started(task.participants);
    else
      energy_->compute_started(task.device, task.state, task.duration_s * kSpeed_flops);
  }
  // ... or ended.
  void energy_ended(int t) {
    const auto& task = dag_.tasks[static_cast<std::size_t>(t)];
    if (task.collective >= 0)
      energy_->collective_ended(task.participants);
    else if (task.duration_s > 0)
      energy_->compute_ended(task.device, task.state);
  }

  void begin(int t) {
    const auto& task = dag_.tasks[static_cast<std::size_t>(t)];
    times_.start_s[static_cast<std::size_t>(t)] = sg4::Engine::get_clock();
    if (task.collective < 0) {
      if (task.duration_s <= 0) return finished_.push_back(t);
      auto exec = sg4::Exec::init();
      exec->set_flops_amount(task.duration_s * kSpeed_flops)
          ->set_host(platform_.compute[static_cast<std::size_t>(task.device)]);
      owner_.emplace(exec.get(), Owner{t, -1});
      compute_live_.emplace(t, exec);
      exec->start();
      if (energy_ != nullptr) energy_started(t);
      return;
    }
    const auto& coll = dag_.collectives[static_cast<std::size_t>(task.collective)];
    if (energy_ != nullptr) energy_started(t);
    // Count the schedules first: one that ends at once must not finish the task before the others start.
    const auto first = schedules_.size();
    for (const auto& sc : coll.schedules) {
      if (sc.phases.empty() && sc.launch_s <= 0) continue;
      ScheduleRun run;
      run.task = t;
      run.schedule = &sc;
      schedules_.push_back(std::move(run));
    }
    collective_left_[t] = static_cast<int>(schedules_.size() - first);
    if (collective_left_[t] == 0) return finished_.push_back(t);
    for (auto k = first; k < schedules_.size(); ++k) start_phase(static_cast<int>(k));
  }

  void track(int s, sg4::ActivityPtr a, int timer = -1) {
    owner_.emplace(a.get(), Owner{schedules_[static_cast<std::size_t>(s)].task, s, timer});
    schedules_[static_cast<std::size_t>(s)].live.push_back(std::move(a));
    ++schedules_[static_cast<std::size_t>(s)].outstanding;
  }

  void start_phase(int s) {
    auto& st = schedules_[static_cast<std::size_t>(s)];
    // Activities are kept until the run ends: releasing one from inside its own completion callback leaves
    // SimGrid with a dangling activity (flows have no other owner).
    const bool pay_launch = !st.launched && st.schedule->launch_s > 0;
    st.launched = true;
    if (st.phase >= st.schedule->phases.size()) {
      if (pay_launch) {  // a schedule of no phase still pays its launch
        st.in_overhead = true;
        return start_timer(s, st.schedule->launch_s);
      }
      if (--collective_left_[st.task] == 0) finished_.push_back(st.task);
      return;
    }
    const Phase& ph = st.schedule->phases[st.phase];
    double wait_s = ph.overhead_s * ph.repeat;  // a phase repeated r times runs once with r x everything
    if (pay_launch) wait_s += st.schedule->launch_s;
    if (wait_s <= 0) return start_transfers(s);
    st.in_overhead = true;
    start_timer(s, wait_s);
  }

  // A fixed delay of schedule s on a free timer host (when every one is busy, more than kMaxTimers
  // delays at once, they are shared).
  void start_timer(int s, double seconds) {
    int timer = -1;
    if (!free_timers_.empty()) {
      timer = free_timers_.back();
      free_timers_.pop_back();
    }
    auto exec = sg4::Exec::init();
    exec->set_flops_amount(seconds * kSpeed_flops)
        ->set_host(
            platform_.timers[static_cast<std::size_t>(timer >= 0 ? timer : s) % platform_.timers.size()]);
    track(s, exec, timer);
    exec->start();
  }

  // The phase's transfers, and its protocol floor (min_time_s) running beside them.
  void start_transfers(int s) {
    auto& st = schedules_[static_cast<std::size_t>(s)];
    st.in_overhead = false;
    const Phase& ph = st.schedule->phases[st.phase];
    auto started = phase_activities(ph, platform_.net.devices, kind_);
    if (started.empty() && ph.min_time_s <= 0) {  // nothing crosses the network in this phase
      ++st.phase;
      return start_phase(s);
    }
    for (auto& a : started) track(s, a);
    for (auto& a : started) a->start();
    if (ph.min_time_s > 0) start_timer(s, ph.min_time_s * ph.repeat);
  }

  const StepDag& dag_;
  const Platform& platform_;
  BackendKind kind_;
  ChipEnergyTracker* energy_;  // nullptr: no energy plugins
  std::vector<int> pending_;
  std::vector<std::vector<int>> succ_;
  DagTimes times_;
  std::deque<int> ready_, finished_;
  std::size_t done_ = 0;
  std::unordered_map<const sg4::Activity*, Owner> owner_;
  std::unordered_map<int, sg4::ActivityPtr> compute_live_;
  std::unordered_map<int, int> collective_left_;
  std::deque<ScheduleRun> schedules_;  // deque: stable addresses as runs are added
  std::vector<int> free_timers_;
};

StepRunner* g_runner = nullptr;

int count_endpoints(const StepDag& dag) {
  std::unordered_set<int> devices;
  for (const auto& c : dag.collectives)
    for (const auto& s : c.schedules)
      for (const auto& p : s.phases)
        for (const auto& t : p.transfers)
          if (t.src != t.dst && t.bytes > 0) {
            devices.insert(t.src);
            devices.insert(t.dst);
          }
  return static_cast<int>(devices.size());
}

void configure_models(BackendKind kind) {
  if (kind == BackendKind::kPtask) {
    sg4::Engine::set_config("host/model:ptask_L07");
  } else {
    sg4::Engine::set_config("network/model:CM02");
    sg4::Engine::set_config("network/crosstraffic:0");
    sg4::Engine::set_config(
        "network/TCP-gamma:1e18");  // RDMA fabrics have no TCP window (see simgrid_backend)
  }
}

/// Start and end times of the tasks, then (with `power`) the chip joules by state and the links' joules.
std::vector<double> run_engine(const StepDag& dag, const topologies::Topology& topology, BackendKind kind,
                               const BackendOptions& options, const DagPower* power) {
  sg4::Engine engine("moesim");  // name-only constructor: no argv parsing
  if (!options.simgrid_log) xbt_log_control_set("root.thresh:critical");
  configure_models(kind);
  const int state_hosts = power != nullptr ? kChipStates * dag.compute_devices : 0;
  if (power != nullptr) init_energy_plugins(*power, dag.compute_devices, dag.compute_devices);
  const Platform platform = build_platform(topology, dag, state_hosts);
  std::unique_ptr<ChipEnergyTracker> energy;
  if (power != nullptr) {
    set_link_power(platform.net.links, power->link_w);
    energy = std::make_unique<ChipEnergyTracker>(platform.state, kSpeed_flops);
  }
  StepRunner runner(dag, platform, kind, energy.get());
  g_runner = &runner;
  sg4::Activity::on_completion_cb([](const sg4::Activity& a) {
    if (g_runner != nullptr) g_runner->on_completion(a);
  });
  runner.start();
  engine.run();
  g_runner = nullptr;
  if (!runner.all_done()) throw std::runtime_error("SimGrid stopped before every task of the step ended");
  const auto t = runner.times();
  std::vector<double> out = t.start_s;
  out.insert(out.end(), t.end_s.begin(), t.end_s.end());
  if (energy) {
    const auto j = energy->chip_state_j();
    out.insert(out.end(), j.begin(), j.end());
    out.push_back(links_energy_j(platform.net.links));
  }
  return out;
}

}  // namespace

DagTimes run_step_dag(const StepDag& dag, const topologies::Topology& topology, BackendKind kind,
                      const BackendOptions& options, const DagPower* power) {
  if (kind == BackendKind::kAnalytic) throw std::invalid_argument("run_step_dag: not a SimGrid backend");
  if (kind == BackendKind::kFlow && count_endpoints(dag) > kFlowMaxEndpoints)
    throw std::invalid_argument("the flow backend simulates at most " + std::to_string(kFlowMaxEndpoints) +
                                " endpoints; use --backend analytic or ptask");
  const auto flat = run_in_subprocess([&] { return run_engine(dag, topology, kind, options, power); });
  DagTimes times;
  const auto n = static_cast<std::ptrdiff_t>(dag.tasks.size());
  times.start_s.assign(flat.begin(), flat.begin() + n);
  times.end_s.assign(flat.begin() + n, flat.begin() + 2 * n);
  if (power != nullptr) {
    DagEnergy e;
    std::copy(flat.begin() + 2 * n, flat.begin() + 2 * n + kChipStates, e.chip_state_j.begin());
    e.links_j = flat[static_cast<std::size_t>(2 * n + kChipStates)];
    times.energy = e;
  }
  return times;
}

}  // namespace moesim::network
