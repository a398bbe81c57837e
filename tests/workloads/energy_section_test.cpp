// The scenario's `energy:` section: grid intensity by number or named region, power overrides, embodied
// carbon, and the errors (each a ConfigError naming file, line and key).
#include <gtest/gtest.h>

#include "workloads/config_error.h"
#include "workloads/sections.h"

namespace moesim::workloads {
namespace {

EnergySpec parse(const std::string& text) {
  const YAML::Node node = YAML::Load(text);
  return parse_energy_section(YamlMap(node, "e.yaml", "energy"));
}

ConfigError error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const ConfigError& e) {
    return e;
  }
  throw std::runtime_error("expected a ConfigError for: " + text);
}

TEST(EnergySection, GridIntensityAsANumber) {
  const auto e = parse("pue: 1.2\ngrid_kgco2e_per_kwh: 0.4\n");
  EXPECT_DOUBLE_EQ(e.grid_kgco2e_per_kwh, 0.4);
  EXPECT_FALSE(e.grid_region.has_value());
  EXPECT_FALSE(e.host_power_w_per_node.has_value());
}

TEST(EnergySection, GridIntensityFromANamedRegion) {
  const auto e = parse("pue: 1.1\ngrid_region: us-average\n");
  EXPECT_DOUBLE_EQ(e.grid_kgco2e_per_kwh, 0.429);  // Patterson et al. 2021 Table 4, GPT-3
  EXPECT_EQ(*e.grid_region, "us-average");
  for (const auto& r : grid_regions()) {
    EXPECT_GE(r.kgco2e_per_kwh, 0.0) << r.name;
    EXPECT_FALSE(r.source.empty()) << r.name;
    EXPECT_EQ(find_grid_region(r.name), &r);
  }
  EXPECT_EQ(find_grid_region("atlantis"), nullptr);
}

TEST(EnergySection, OverridesAndEmbodiedCarbon) {
  const auto e = parse(
      "pue: 1.2\ngrid_kgco2e_per_kwh: 0.4\nhost_power_w_per_node: 2.5 kW\nnic_power_w_per_port: 25 W\n"
      "node_switch_power_w: 300 W\nswitch_power_w: 640 W\nswitch_port_power_w: 8 W\n"
      "chip_power: {compute_bound: 690 W, idle: 90 W}\nembodied_kgco2e_per_accelerator_hour: 0.0103\n");
  EXPECT_DOUBLE_EQ(*e.host_power_w_per_node, 2500);
  EXPECT_DOUBLE_EQ(*e.nic_power_w_per_port, 25);
  EXPECT_DOUBLE_EQ(*e.node_switch_power_w, 300);
  EXPECT_DOUBLE_EQ(*e.switch_power_w, 640);
  EXPECT_DOUBLE_EQ(*e.switch_port_power_w, 8);
  EXPECT_DOUBLE_EQ(*e.chip_power.compute_bound_w, 690);
  EXPECT_DOUBLE_EQ(*e.chip_power.idle_w, 90);
  EXPECT_FALSE(e.chip_power.memory_bound_w.has_value());
  EXPECT_DOUBLE_EQ(*e.embodied_kgco2e_per_accelerator_hour, 0.0103);
}

TEST(EnergySection, ErrorsNameTheirKey) {
  EXPECT_EQ(error_of("pue: 1.2\n").key(), "energy.grid_kgco2e_per_kwh");
  EXPECT_EQ(error_of("pue: 1.2\ngrid_kgco2e_per_kwh: 0.4\ngrid_region: france\n").key(),
            "energy.grid_region");
  const auto unknown = error_of("pue: 1.2\ngrid_region: atlantis\n");
  EXPECT_EQ(unknown.key(), "energy.grid_region");
  EXPECT_NE(std::string(unknown.what()).find("us-average"), std::string::npos) << unknown.what();
  EXPECT_EQ(error_of("pue: 1.2\ngrid_kgco2e_per_kwh: 0.4\nswitch_power_w: -5 W\n").key(),
            "energy.switch_power_w");
  EXPECT_EQ(error_of("pue: 1.2\ngrid_kgco2e_per_kwh: 0.4\nchip_power: {busy: 5 W}\n").key(),
            "energy.chip_power.busy");
  EXPECT_EQ(error_of("pue: 0.9\ngrid_kgco2e_per_kwh: 0.4\n").key(), "energy.pue");
  EXPECT_EQ(error_of("pue: 1.2\ngrid_kgco2e_per_kwh: 0.4\nswitch_watts: 5\n").key(), "energy.switch_watts");
  EXPECT_GT(error_of("pue: 1.2\ngrid_kgco2e_per_kwh: 0.4\nswitch_power_w: -5 W\n").line(), 0);
}

}  // namespace
}  // namespace moesim::workloads
