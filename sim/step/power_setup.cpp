#include "sim/step/power_setup.h"

#include <string_view>

#include "sim/step/step_result.h"

namespace moesim::sim {
namespace {

using topologies::LinkId;
using topologies::VertexKind;

/// Per vertex: which tiers its links (either direction) belong to.
struct VertexTiers {
  bool nvlink = false, pcie = false, other = false;
};

std::vector<VertexTiers> tiers_per_vertex(const topologies::Topology& topology) {
  std::vector<VertexTiers> out(boost::num_vertices(topology.graph()));
  const auto& names = topology.tiers();
  for (std::size_t l = 0; l < topology.link_count(); ++l) {
    const auto id = static_cast<LinkId>(l);
    const std::string_view tier = names[static_cast<std::size_t>(topology.link(id).tier)];
    const auto [from, to] = topology.link_endpoints(id);
    for (int v : {from, to}) {
      auto& t = out[static_cast<std::size_t>(v)];
      if (tier == "nvlink")
        t.nvlink = true;
      else if (tier == "pcie")
        t.pcie = true;
      else
        t.other = true;
    }
  }
  return out;
}

bool is_nic_link(const topologies::Topology& topology, LinkId id) {
  return topology.tiers()[static_cast<std::size_t>(topology.link(id).tier)] == "nic";
}

double switch_w(SwitchClass c, const topologies::ClusterPowerSpec& f, int ports) {
  switch (c) {
    case SwitchClass::kNodeSwitch:
      return f.node_switch_w;
    case SwitchClass::kPcieSwitch:
      return f.pcie_switch_w;
    case SwitchClass::kFabricSwitch:
      return f.fabric_switch_w + ports * f.switch_port_w;
    case SwitchClass::kNotASwitch:
      break;
  }
  return 0;
}

topologies::ClusterPowerSpec figures_of(const topologies::ClusterSpec& cluster,
                                        const workloads::EnergySpec& e) {
  auto f = cluster.power;
  bool overridden = false;
  const auto take = [&](const std::optional<double>& v, double& into) {
    if (!v) return;
    into = *v;
    overridden = true;
  };
  take(e.host_power_w_per_node, f.host_w_per_node);
  take(e.nic_power_w_per_port, f.nic_w_per_port);
  take(e.node_switch_power_w, f.node_switch_w);
  take(e.switch_power_w, f.fabric_switch_w);
  take(e.switch_port_power_w, f.switch_port_w);
  if (overridden) f.basis = "energy section's figures over: " + f.basis;
  return f;
}

}  // namespace

topologies::ChipPowerStates chip_states(const topologies::AcceleratorSpec& acc,
                                        const workloads::EnergySpec& e) {
  auto chip = acc.power();
  const auto& o = e.chip_power;
  if (o.compute_bound_w) chip.compute_bound_w = *o.compute_bound_w;
  if (o.memory_bound_w) chip.memory_bound_w = *o.memory_bound_w;
  if (o.communication_w) chip.communication_w = *o.communication_w;
  if (o.idle_w) chip.idle_w = *o.idle_w;
  if (o.compute_bound_w || o.memory_bound_w || o.communication_w || o.idle_w)
    chip.basis = "energy.chip_power (the scenario's figures) over the preset's";
  return chip;
}

std::vector<SwitchClass> switch_classes(const topologies::Topology& topology) {
  const auto tiers = tiers_per_vertex(topology);
  const auto& g = topology.graph();
  std::vector<SwitchClass> out(tiers.size(), SwitchClass::kNotASwitch);
  for (std::size_t v = 0; v < tiers.size(); ++v) {
    if (g[v].kind != VertexKind::kSwitch) continue;
    const auto& t = tiers[v];
    out[v] = t.pcie                 ? SwitchClass::kPcieSwitch
             : t.nvlink && !t.other ? SwitchClass::kNodeSwitch
                                    : SwitchClass::kFabricSwitch;
  }
  return out;
}

NetworkInventory inventory_of(const topologies::Topology& topology) {
  NetworkInventory inv;
  const auto classes = switch_classes(topology);
  const auto& g = topology.graph();
  for (std::size_t v = 0; v < classes.size(); ++v) {
    switch (classes[v]) {
      case SwitchClass::kNodeSwitch:
        ++inv.node_switches;
        break;
      case SwitchClass::kPcieSwitch:
        ++inv.pcie_switches;
        break;
      case SwitchClass::kFabricSwitch:
        ++inv.fabric_switches;
        inv.fabric_switch_ports += static_cast<int>(boost::out_degree(v, g));
        break;
      case SwitchClass::kNotASwitch:
        break;
    }
  }
  int nic_links = 0;
  for (std::size_t l = 0; l < topology.link_count(); ++l)
    if (is_nic_link(topology, static_cast<LinkId>(l))) ++nic_links;
  inv.nic_ports = nic_links / 2;  // a cable is two directed links
  return inv;
}

PowerSetup power_of(const topologies::AcceleratorSpec& acc, const workloads::RunSpec& run,
                    const topologies::ClusterSpec& cluster, const topologies::Topology& topology) {
  PowerSetup s;
  s.chip = chip_states(acc, run.energy);
  s.figures = figures_of(cluster, run.energy);
  s.inventory = inventory_of(topology);
  auto& p = s.model;
  p.compute_w = s.chip.compute_bound_w;
  p.memory_w = s.chip.memory_bound_w;
  p.comm_w = s.chip.communication_w;
  p.idle_w = s.chip.idle_w;
  p.nodes = topology.node_count();
  p.host_w_per_node = s.figures.host_w_per_node;
  const auto& inv = s.inventory;
  const auto& f = s.figures;
  p.nics_w = inv.nic_ports * f.nic_w_per_port;
  p.node_switches_w = inv.node_switches * f.node_switch_w + inv.pcie_switches * f.pcie_switch_w;
  p.fabric_switches_w = inv.fabric_switches * f.fabric_switch_w + inv.fabric_switch_ports * f.switch_port_w;
  if (run.energy.present) {
    p.pue = run.energy.pue;
    p.measured_system_w_per_device = run.energy.system_power_w_per_accelerator;
  }
  return s;
}

void fill_energy(const PowerSetup& power, const ActivitySeconds& mean_activity_s,
                 const std::optional<PluginEnergy>& plugins, StepResult& r) {
  const int devices = r.provenance.devices;
  const auto& p = power.model;
  const auto model = step_energy(p, mean_activity_s, devices, r.step_time_s);
  const bool use_plugins = plugins && !p.measured_system_w_per_device;
  r.energy = use_plugins ? step_energy_from_plugins(p, *plugins, devices, r.step_time_s) : model;
  if (use_plugins) r.energy_activity_model = model;
  r.energy_engine = use_plugins ? "simgrid energy plugins" : "analytic";
  r.power_model =
      p.measured_system_w_per_device ? "measured system power per accelerator" : "activity states";
  r.pue = p.pue;
  r.power = power;
}

std::vector<double> link_static_w(const topologies::Topology& topology, const PowerSetup& power) {
  const auto classes = switch_classes(topology);
  const auto& g = topology.graph();
  std::vector<double> per_out_link(classes.size(), 0.0);
  for (std::size_t v = 0; v < classes.size(); ++v) {
    const auto out = static_cast<int>(boost::out_degree(v, g));
    if (out > 0) per_out_link[v] = switch_w(classes[v], power.figures, out) / out;
  }
  std::vector<double> w(topology.link_count(), 0.0);
  for (std::size_t l = 0; l < w.size(); ++l) {
    const auto id = static_cast<LinkId>(l);
    if (is_nic_link(topology, id)) w[l] += power.figures.nic_w_per_port / 2;
    w[l] += per_out_link[static_cast<std::size_t>(topology.link_endpoints(id).first)];
  }
  return w;
}

}  // namespace moesim::sim
