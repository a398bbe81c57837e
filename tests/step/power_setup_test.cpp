// The power model's inputs: the accelerators' states, and what each topology instantiates that draws power.
#include "sim/step/power_setup.h"

#include <gtest/gtest.h>

#include <numeric>

#include "topologies/cluster_presets.h"
#include "topologies/topology_factory.h"

namespace moesim::sim {
namespace {

topologies::ClusterSpec preset(const char* name, int devices = 0) {
  auto spec = topologies::find_cluster_preset(name)->spec;
  if (devices > 0) spec.devices = devices;
  return spec;
}

TEST(ChipPower, GpuStatesAreDerivedFromTheTdp) {
  const auto p = topologies::find_accelerator("h100-sxm").power();
  EXPECT_DOUBLE_EQ(p.compute_bound_w, 700);
  EXPECT_DOUBLE_EQ(p.idle_w, 0.3 * 700);
  EXPECT_DOUBLE_EQ(p.memory_bound_w, 210 + 0.5 * 490);
  EXPECT_DOUBLE_EQ(p.communication_w, 210 + 0.25 * 490);
  EXPECT_NE(std::string(p.basis).find("TDP"), std::string::npos);
}

TEST(ChipPower, TpuStatesComeFromMeasuredMinimumAndMaximum) {
  const auto p = topologies::find_accelerator("tpuv3").power();
  EXPECT_DOUBLE_EQ(p.idle_w, 123);           // Google Cloud TPU v3 docs, measured minimum
  EXPECT_DOUBLE_EQ(p.compute_bound_w, 262);  // ... and maximum
  const auto v4 = topologies::find_accelerator("tpuv4").power();
  EXPECT_DOUBLE_EQ(v4.idle_w, 90);
  EXPECT_DOUBLE_EQ(v4.compute_bound_w, 192);
}

TEST(ChipPower, EveryPresetHasOrderedStates) {
  for (const auto& a : topologies::accelerators()) {
    const auto p = a.power();
    // Google publishes no chip power for TPU v5e, v5p and v6e: these have none (energy is "not modelled").
    const bool no_figure = a.name == "tpuv5e" || a.name == "tpuv5p" || a.name == "tpuv6e";
    EXPECT_EQ(p.empty(), no_figure) << a.name;
    if (no_figure) continue;
    EXPECT_GT(p.idle_w, 0) << a.name;
    EXPECT_LE(p.idle_w, p.communication_w) << a.name;
    EXPECT_LE(p.communication_w, p.memory_bound_w) << a.name;
    EXPECT_LE(p.memory_bound_w, p.compute_bound_w) << a.name;
  }
}

TEST(ChipPower, APresetWithoutStatesFallsBackToItsTdp) {
  auto a = topologies::find_accelerator("a100-sxm");
  a.power_states = {};
  const auto p = a.power();
  EXPECT_DOUBLE_EQ(p.compute_bound_w, 400);
  EXPECT_DOUBLE_EQ(p.idle_w, 120);
  a.tdp_w.reset();
  EXPECT_TRUE(a.power().empty());
}

TEST(NetworkInventory, DgxH100SuperPodCountsEverySwitchAndNic) {
  const auto topo = topologies::make_topology(preset("dgx-h100-superpod", 256));
  const auto inv = inventory_of(*topo);
  EXPECT_EQ(inv.nic_ports, 256);     // one NIC per GPU
  EXPECT_EQ(inv.node_switches, 32);  // one NVSwitch vertex per DGX
  EXPECT_EQ(inv.pcie_switches, 0);
  EXPECT_EQ(inv.node_switches + inv.pcie_switches + inv.fabric_switches, topo->switch_count());
  EXPECT_GT(inv.fabric_switches, 0);
  EXPECT_EQ(inv.fabric_switch_ports, inv.fabric_switches * 64);  // radix 64, every port cabled at 256 GPUs
}

TEST(NetworkInventory, TorusHasNoNicOrSwitch) {
  auto spec = preset("tpuv4-pod", 64);
  spec.torus.dims = {4, 4, 4};
  const auto topo = topologies::make_topology(spec);
  const auto inv = inventory_of(*topo);
  EXPECT_EQ(inv.nic_ports + inv.node_switches + inv.pcie_switches + inv.fabric_switches, 0);
}

TEST(NetworkInventory, SharedNicsSitBehindPcieSwitches) {
  auto spec = preset("dgx-h100-superpod", 16);
  spec.node.nics = 2;
  spec.node.pcie_bandwidth_Bps = 64e9;
  const auto inv = inventory_of(*topologies::make_topology(spec));
  EXPECT_EQ(inv.nic_ports, 4);
  EXPECT_EQ(inv.pcie_switches, 4);
  EXPECT_EQ(inv.node_switches, 2);
}

TEST(LinkPower, LinkSharesAddUpToTheNetworkPower) {
  const auto spec = preset("dgx-h100-superpod", 64);
  const auto topo = topologies::make_topology(spec);
  workloads::RunSpec run;
  const auto power = power_of(topologies::find_accelerator(spec.accelerator), run, spec, *topo);
  const auto w = link_static_w(*topo, power);
  ASSERT_EQ(w.size(), topo->link_count());
  EXPECT_NEAR(std::accumulate(w.begin(), w.end(), 0.0), power.model.network_w(), 1e-9);
  EXPECT_GT(power.model.nics_w, 0);
  EXPECT_GT(power.model.node_switches_w, 0);
  EXPECT_GT(power.model.fabric_switches_w, 0);
}

TEST(PowerSetup, EnergySectionOverridesThePresets) {
  const auto spec = preset("dgx-h100-superpod", 16);
  const auto topo = topologies::make_topology(spec);
  workloads::RunSpec run;
  run.energy.present = true;
  run.energy.pue = 1.3;
  run.energy.host_power_w_per_node = 1000;
  run.energy.nic_power_w_per_port = 10;
  run.energy.switch_power_w = 0;
  run.energy.switch_port_power_w = 0;
  run.energy.node_switch_power_w = 0;
  run.energy.chip_power.idle_w = 50;
  const auto p = power_of(topologies::find_accelerator(spec.accelerator), run, spec, *topo);
  EXPECT_DOUBLE_EQ(p.model.host_w_per_node, 1000);
  EXPECT_EQ(p.model.nodes, 2);
  EXPECT_DOUBLE_EQ(p.model.nics_w, 16 * 10);
  EXPECT_DOUBLE_EQ(p.model.switches_w(), 0);
  EXPECT_DOUBLE_EQ(p.model.idle_w, 50);
  EXPECT_DOUBLE_EQ(p.model.compute_w, 700);
  EXPECT_DOUBLE_EQ(p.model.pue, 1.3);
  EXPECT_NE(p.figures.basis.find("energy section"), std::string::npos);
}

TEST(PowerSetup, PresetsWithHostFigures) {
  // DGX H100: Latif et al. 2024's measured 8.48 kW node peak less 8 x 700 W is everything but the GPUs.
  const auto h = preset("dgx-h100-superpod").power;
  EXPECT_NEAR(h.host_w_per_node + 8 * h.nic_w_per_port + h.node_switch_w, 8480 - 8 * 700, 1e-9);
  // TPU v4: 4 chips x (326 W system average [GLaM] - 170 W chip mean [Cloud TPU docs]).
  EXPECT_DOUBLE_EQ(preset("tpuv4-pod").power.host_w_per_node, 4 * (326 - 170));
  EXPECT_DOUBLE_EQ(preset("tpuv3-pod").power.host_w_per_node, 4 * (283 - 220));
  for (const auto& p : topologies::cluster_presets()) EXPECT_FALSE(p.spec.power.basis.empty()) << p.name;
}

}  // namespace
}  // namespace moesim::sim
