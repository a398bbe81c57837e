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

/// The platform: hosts = devices, routers = switches, links = directed edges, routes = single paths.
struct Platform {
  std::vector<sg4::Host*> devices;
  std::vector<sg4::Host*> timers;  // one per schedule
};

Platform build_platform(const topologies::Topology& topo, const std::vector<Schedule>& schedules) {
  Platform p;
  auto* zone = sg4::create_full_zone("fabric");
  p.devices.resize(topo.device_count());
  for (int d = 0; d < topo.device_count(); ++d)
    p.devices[d] = zone->create_host("dev" + std::to_string(d), kTimerSpeed_flops)->seal();
  for (std::size_t s = 0; s < schedules.size(); ++s)
    p.timers.push_back(zone->create_host("timer" + std::to_string(s), kTimerSpeed_flops)->seal());
  const auto& g = topo.graph();
  for (auto v : boost::make_iterator_range(boost::vertices(g)))
    if (g[v].kind == topologies::VertexKind::kSwitch) zone->create_router("sw" + std::to_string(v));
  std::vector<sg4::Link*> links(topo.link_count());
  for (std::size_t l = 0; l < links.size(); ++l) {
    const auto& props = topo.link(static_cast<topologies::LinkId>(l));
    links[l] = zone->create_link("link" + std::to_string(l), props.bandwidth_Bps)
                   ->set_latency(props.latency_s)
                   ->set_sharing_policy(sg4::Link::SharingPolicy::SHARED)
                   ->seal();
  }
  std::unordered_set<std::uint64_t> routed;
  std::vector<topologies::LinkId> path;
  std::vector<sg4::LinkInRoute> route;
  for (const auto& s : schedules)
    for (const auto& ph : s.phases)
      for (const auto& t : ph.transfers) {
        if (t.src == t.dst || t.bytes <= 0 || !routed.insert(pair_key(t.src, t.dst)).second) continue;
        topo.single_path(t.src, t.dst, path);
        route.clear();
        for (auto l : path) route.emplace_back(links[l]);
        zone->add_route(p.devices[t.src]->get_netpoint(), p.devices[t.dst]->get_netpoint(), nullptr, nullptr,
                        route, false);
      }
  zone->seal();
  return p;
}

/// Chains the phases of every schedule from completion callbacks: overhead (an Exec on the schedule's
/// timer host), then the phase's transfers, then the next phase.
class Runner {
 public:
  Runner(BackendKind kind, const Platform& platform, const std::vector<Schedule>& schedules)
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
    double wait_s = schedules_[s].phases[st.phase].overhead_s;
    if (st.phase == 0) wait_s += schedules_[s].launch_s;
    if (wait_s <= 0) return start_transfers(s);
    st.in_overhead = true;
    auto exec = sg4::Exec::init();
    exec->set_flops_amount(wait_s * kTimerSpeed_flops)->set_host(platform_.timers[s]);
    track(s, exec);
    exec->start();
  }

  void start_transfers(std::size_t s) {
    auto& st = state_[s];
    st.in_overhead = false;
    const auto& transfers = schedules_[s].phases[st.phase].transfers;
    std::vector<const Transfer*> real;
    for (const auto& t : transfers)
      if (t.src != t.dst && t.bytes > 0) real.push_back(&t);
    std::vector<sg4::ActivityPtr> started;
    if (kind_ == BackendKind::kFlow) {
      for (const auto* t : real) {
        auto c = sg4::Comm::sendto_init(platform_.devices[t->src], platform_.devices[t->dst]);
        c->set_payload_size(static_cast<std::uint64_t>(std::llround(t->bytes)));
        started.push_back(c);
      }
    } else {
      // Participants of the phase, and whether one dense ptask is affordable.
      std::vector<int> members;
      for (const auto* t : real) {
        members.push_back(t->src);
        members.push_back(t->dst);
      }
      std::sort(members.begin(), members.end());
      members.erase(std::unique(members.begin(), members.end()), members.end());
      const double k = static_cast<double>(members.size());
      if (!real.empty() && k * k <= 16.0 * static_cast<double>(real.size())) {
        std::unordered_map<int, std::size_t> index;
        std::vector<sg4::Host*> hosts;
        for (int d : members) {
          index.emplace(d, hosts.size());
          hosts.push_back(platform_.devices[d]);
        }
        std::vector<double> bytes(members.size() * members.size(), 0.0);
        for (const auto* t : real) bytes[index[t->src] * members.size() + index[t->dst]] += t->bytes;
        auto exec = sg4::Exec::init();
        exec->set_hosts(hosts)
            ->set_flops_amounts(std::vector<double>(members.size(), 0.0))
            ->set_bytes_amounts(bytes);
        started.push_back(exec);
      } else {
        for (const auto* t : real) {
          auto exec = sg4::Exec::init();
          exec->set_hosts({platform_.devices[t->src], platform_.devices[t->dst]})
              ->set_flops_amounts({0.0, 0.0})
              ->set_bytes_amounts({0.0, t->bytes, 0.0, 0.0});
          started.push_back(exec);
        }
      }
    }
    if (started.empty()) {  // nothing crosses the network in this phase
      ++st.phase;
      return start_phase(s);
    }
    for (auto& a : started) track(s, a);
    for (auto& a : started) a->start();
  }

  BackendKind kind_;
  const Platform& platform_;
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
      : kind_(kind), topology_(topology), options_(options) {}
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
    std::vector<double> link_bytes;
    accumulate_link_bytes(topology_, concurrent, /*single_path=*/true, link_bytes);
    fill_link_counters(topology_, std::move(link_bytes), options_.keep_link_bytes, result);
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
    const Platform platform = build_platform(topology_, concurrent);

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
