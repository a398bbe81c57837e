// SimGrid's energy plugins on a step run (declared in sim/network/simgrid_energy.h). One of the files of
// moesim that include SimGrid headers. Plugin semantics (SimGrid 3.32 src/plugins/host_energy.cpp,
// link_energy.cpp): a host draws Idle when nothing runs on it, Epsilon + (AllCores - Epsilon) x load
// otherwise, the energy being integrated at every action state change and pstate change; a link draws
// idle + (busy - idle) x usage / bandwidth, integrated at every communication start and end.
#include "sim/network/simgrid_energy.h"

#include <simgrid/plugins/energy.h>

#include <iomanip>
#include <memory>
#include <simgrid/s4u.hpp>
#include <sstream>
#include <string>
#include <unordered_map>

namespace sg4 = simgrid::s4u;

namespace moesim::network {
namespace {

/// A marker's length: long enough for any step; one that reaches it is started again (on_completion).
constexpr double kMarkerHorizon_s = 1e6;

std::string watts(double w) {
  std::ostringstream o;
  o << std::setprecision(17) << w;
  return o.str();
}

enum Marker : int { kNone = -1, kCommunicationMarker = 2, kIdleMarker = 3 };

}  // namespace

void init_energy_plugins(const DagPower& power, int first_state_host, int devices) {
  auto wattage = std::make_shared<std::unordered_map<std::string, std::string>>();
  const double state_w[kChipStates] = {power.compute_w, power.memory_w, power.comm_w, power.idle_w};
  for (int d = 0; d < devices; ++d)
    for (int s = 0; s < kChipStates; ++s) {
      const std::string w = watts(state_w[s]);
      (*wattage)["extra" + std::to_string(first_state_host + kChipStates * d + s)] = "0:" + w + ":" + w;
    }
  // Connected before the plugin so that it runs first: the plugin reads the property at the same signal.
  sg4::Host::on_creation_cb([wattage](sg4::Host& host) {
    const auto it = wattage->find(host.get_name());
    host.set_property("wattage_per_state", it == wattage->end() ? "0:0" : it->second);
  });
  sg_host_energy_plugin_init();
  sg_link_energy_plugin_init();
}

void set_link_power(const std::vector<sg4::Link*>& links, const std::vector<double>& link_w) {
  for (std::size_t l = 0; l < links.size() && l < link_w.size(); ++l) {
    const std::string w = watts(link_w[l]);
    links[l]->set_property("wattage_range", w + ":" + w);
  }
}

double links_energy_j(const std::vector<sg4::Link*>& links) {
  double j = 0;
  for (const auto* l : links) j += sg_link_get_consumed_energy(l);
  return j;
}

struct ChipEnergyTracker::Impl {
  struct Device {
    int computing = 0;      // compute- and memory-bound tasks running
    int communicating = 0;  // collectives and communication tasks in flight
    int marker = kNone;     // the marker running now
    sg4::ExecPtr marker_exec;
    bool dirty = false;
  };
  std::vector<sg4::Host*> hosts;
  double speed_flops;
  std::vector<Device> devices;
  std::vector<int> dirty;              // devices whose counts changed since the last settle
  std::vector<sg4::ActivityPtr> keep;  // every activity started, alive until the run ends
  bool finished = false;

  Device& touch(int d) {
    auto& dev = devices[static_cast<std::size_t>(d)];
    if (!dev.dirty) dirty.push_back(d);
    dev.dirty = true;
    return dev;
  }
  sg4::Host* host(int device, int state) const {
    return hosts[static_cast<std::size_t>(kChipStates * device + state)];
  }
  sg4::ExecPtr start(int device, int state, double flops) {
    auto exec = sg4::Exec::init();
    exec->set_flops_amount(flops)->set_host(host(device, state));
    keep.push_back(exec);
    exec->start();
    return exec;
  }
  void start_marker(int d, int kind) {
    auto& dev = devices[static_cast<std::size_t>(d)];
    dev.marker = kind;
    dev.marker_exec = kind == kNone ? nullptr : start(d, kind, kMarkerHorizon_s * speed_flops);
  }
  void stop_marker(int d) {
    auto& dev = devices[static_cast<std::size_t>(d)];
    if (dev.marker_exec) dev.marker_exec->cancel();
    dev.marker_exec = nullptr;
    dev.marker = kNone;
  }
};

ChipEnergyTracker::ChipEnergyTracker(std::vector<sg4::Host*> state_hosts, double speed_flops)
    : impl_(std::make_unique<Impl>()) {
  impl_->devices.resize(state_hosts.size() / kChipStates);
  impl_->hosts = std::move(state_hosts);
  impl_->speed_flops = speed_flops;
  for (std::size_t d = 0; d < impl_->devices.size(); ++d) impl_->touch(static_cast<int>(d));  // idle at 0
}

ChipEnergyTracker::~ChipEnergyTracker() = default;

void ChipEnergyTracker::compute_started(int device, ChipState state, double flops) {
  auto& dev = impl_->touch(device);
  if (state == ChipState::kCommunication) {
    ++dev.communicating;
    return;
  }
  ++dev.computing;
  impl_->start(device, state == ChipState::kComputeBound ? 0 : 1, flops);  // the twin ends with the task
}

void ChipEnergyTracker::compute_ended(int device, ChipState state) {
  auto& dev = impl_->touch(device);
  if (state == ChipState::kCommunication)
    --dev.communicating;
  else
    --dev.computing;
}

void ChipEnergyTracker::collective_started(const std::vector<int>& participants) {
  for (int d : participants) ++impl_->touch(d).communicating;
}

void ChipEnergyTracker::collective_ended(const std::vector<int>& participants) {
  for (int d : participants) --impl_->touch(d).communicating;
}

void ChipEnergyTracker::settle() {
  if (impl_->finished) return;
  for (int d : impl_->dirty) {
    auto& dev = impl_->devices[static_cast<std::size_t>(d)];
    dev.dirty = false;
    const int want = dev.computing > 0 ? kNone : dev.communicating > 0 ? kCommunicationMarker : kIdleMarker;
    if (want == dev.marker) continue;
    impl_->stop_marker(d);
    impl_->start_marker(d, want);
  }
  impl_->dirty.clear();
}

void ChipEnergyTracker::finish() {
  impl_->finished = true;
  for (std::size_t d = 0; d < impl_->devices.size(); ++d) impl_->stop_marker(static_cast<int>(d));
}

void ChipEnergyTracker::on_completion(const sg4::Activity& activity) {
  if (impl_->finished || activity.get_state() != sg4::Activity::State::FINISHED) return;
  for (std::size_t d = 0; d < impl_->devices.size(); ++d) {
    auto& dev = impl_->devices[d];
    if (dev.marker_exec.get() != &activity) continue;
    const int kind = dev.marker;
    impl_->start_marker(static_cast<int>(d), kind);
    return;
  }
}

std::array<double, kChipStates> ChipEnergyTracker::chip_state_j() const {
  std::array<double, kChipStates> j{};
  for (std::size_t d = 0; d < impl_->devices.size(); ++d)
    for (int s = 0; s < kChipStates; ++s)
      j[s] += sg_host_get_consumed_energy(impl_->host(static_cast<int>(d), s));
  return j;
}

}  // namespace moesim::network
