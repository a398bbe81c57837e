// parse_cluster(): the scenario's `cluster:` mapping -> ClusterSpec (keys documented in cluster_spec.h).
#include <optional>

#include "topologies/accelerator.h"
#include "topologies/cluster_presets.h"
#include "topologies/cluster_spec.h"
#include "topologies/custom_accelerator.h"
#include "workloads/limits.h"

namespace moesim::topologies {
namespace {

using moesim::Bound;
using moesim::Unit;
using moesim::YamlMap;

// Every count of a cluster is at most the device limit, so that products of two or three of them (torus
// dims, nodes x NICs) stay far inside int and long long.
constexpr std::int64_t kMaxCount = moesim::limits::kMaxDevices;

void set_int(const YamlMap& m, const std::string& key, int& field, Bound bound = Bound::kPositive) {
  if (auto v = m.optional_integer(key, bound, kMaxCount)) field = static_cast<int>(*v);
}

void set_quantity(const YamlMap& m, const std::string& key, Unit unit, double& field,
                  Bound bound = Bound::kPositive) {
  if (auto v = m.optional_quantity(key, unit, bound)) field = *v;
}

void parse_node(const YamlMap& m, NodeSpec& n) {
  set_int(m, "gpus", n.gpus);
  if (auto f = m.optional_choice("fabric", {"nvswitch", "nvlink-mesh", "pcie"})) {
    n.fabric = *f == "nvswitch"      ? NodeFabric::kNvSwitch
               : *f == "nvlink-mesh" ? NodeFabric::kNvLinkMesh
                                     : NodeFabric::kPcie;
  }
  set_quantity(m, "link_bandwidth", Unit::kBandwidth, n.link_bandwidth_Bps);
  set_quantity(m, "link_latency", Unit::kTime, n.link_latency_s, Bound::kNonNegative);
  set_int(m, "nics", n.nics);
  set_quantity(m, "nic_bandwidth", Unit::kBandwidth, n.nic_bandwidth_Bps);
  set_quantity(m, "nic_latency", Unit::kTime, n.nic_latency_s, Bound::kNonNegative);
  set_quantity(m, "pcie_bandwidth", Unit::kBandwidth, n.pcie_bandwidth_Bps);
  set_quantity(m, "pcie_latency", Unit::kTime, n.pcie_latency_s, Bound::kNonNegative);
  if (auto k = m.optional_choice("nic_type", {"infiniband", "roce"}))
    n.nic_kind = *k == "roce" ? NicKind::kRoce : NicKind::kInfiniBand;
  if (auto v = m.optional_boolean("nvls")) n.nvls = *v;
  m.finish({"gpus", "fabric", "link_bandwidth", "link_latency", "nics", "nic_bandwidth", "nic_latency",
            "pcie_bandwidth", "pcie_latency", "nic_type", "nvls"});
}

/// `wraparound`: one boolean for every axis, or a list with one per axis (checked against dims later).
void parse_wraparound(const YamlMap& m, TorusSpec& t) {
  const YAML::Node node = m.raw("wraparound");
  const std::string expected = "expected true, false or a list of booleans, one per dimension";
  t.wraparound.clear();
  if (node.IsSequence()) {
    for (const auto& v : node) {
      bool b = false;
      if (!v.IsScalar() || !YAML::convert<bool>::decode(v, b)) m.fail("wraparound", expected);
      t.wraparound.push_back(b);
    }
    return;
  }
  bool all = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, all)) m.fail("wraparound", expected);
  if (!all) t.wraparound.assign(std::max<std::size_t>(t.dims.size(), 1), false);
}

/// Parses `fabric:`; returns true when it gave torus dims explicitly.
bool parse_fabric(const YamlMap& m, ClusterSpec& s) {
  if (auto t = m.optional_choice("type", {"fat-tree", "torus", "dragonfly", "none"})) {
    s.fabric = *t == "fat-tree"    ? FabricType::kFatTree
               : *t == "torus"     ? FabricType::kTorus
               : *t == "dragonfly" ? FabricType::kDragonfly
                                   : FabricType::kNone;
  }
  bool dims_given = false;
  switch (s.fabric) {
    case FabricType::kNone:
      m.finish({"type"});
      break;
    case FabricType::kFatTree: {
      FatTreeSpec& ft = s.fat_tree;
      set_int(m, "levels", ft.levels);
      set_int(m, "radix", ft.radix);
      if (auto v = m.optional_quantity("oversubscription", Unit::kCount, Bound::kPositive, 1'000))
        ft.oversubscription = *v;
      if (auto r = m.optional_boolean("rail_optimized")) ft.rail_optimized = *r;
      if (auto v = m.optional_boolean("sharp")) ft.sharp = *v;
      set_quantity(m, "link_bandwidth", Unit::kBandwidth, ft.link_bandwidth_Bps);
      set_quantity(m, "link_latency", Unit::kTime, ft.link_latency_s, Bound::kNonNegative);
      m.finish({"type", "levels", "radix", "oversubscription", "rail_optimized", "link_bandwidth",
                "link_latency", "sharp"});
      break;
    }
    case FabricType::kTorus: {
      TorusSpec& t = s.torus;
      if (m.has("dims")) {
        t.dims.clear();
        for (auto d : m.integer_list("dims", Bound::kPositive, kMaxCount))
          t.dims.push_back(static_cast<int>(d));
        dims_given = true;
      }
      set_int(m, "cube", t.cube);
      set_int(m, "chips_per_host", t.chips_per_host);
      set_quantity(m, "link_bandwidth", Unit::kBandwidth, t.link_bandwidth_Bps);
      set_quantity(m, "link_latency", Unit::kTime, t.link_latency_s, Bound::kNonNegative);
      if (m.has("wraparound")) parse_wraparound(m, t);
      m.finish({"type", "dims", "cube", "chips_per_host", "link_bandwidth", "link_latency", "wraparound"});
      break;
    }
    case FabricType::kDragonfly: {
      DragonflySpec& d = s.dragonfly;
      set_int(m, "routers_per_group", d.routers_per_group);
      set_int(m, "nics_per_router", d.nics_per_router);
      set_int(m, "global_links_per_router", d.global_links_per_router);
      set_quantity(m, "link_bandwidth", Unit::kBandwidth, d.local_bandwidth_Bps);
      set_quantity(m, "link_latency", Unit::kTime, d.local_latency_s, Bound::kNonNegative);
      set_quantity(m, "global_bandwidth", Unit::kBandwidth, d.global_bandwidth_Bps);
      set_quantity(m, "global_latency", Unit::kTime, d.global_latency_s, Bound::kNonNegative);
      m.finish({"type", "routers_per_group", "nics_per_router", "global_links_per_router", "link_bandwidth",
                "link_latency", "global_bandwidth", "global_latency"});
      break;
    }
  }
  return dims_given;
}

/// Line rate of one link of hop class `name` on `s` (the ceiling of a calibrated bandwidth).
double line_rate_Bps(const ClusterSpec& s, const std::string& name) {
  if (name == "nvlink") return s.node.link_bandwidth_Bps;
  if (name == "pcie")
    return s.node.fabric == NodeFabric::kPcie ? s.node.link_bandwidth_Bps : s.node.pcie_bandwidth_Bps;
  if (name == "ici") return s.torus.link_bandwidth_Bps;
  return s.node.nic_bandwidth_Bps;  // network: the NICs (switch links are the same technology)
}

void parse_calibration(const YamlMap& m, ClusterSpec& s) {
  const auto classes = hop_classes(s);
  for (const auto& key : classes) {
    if (!m.has(key)) continue;
    const YamlMap h = m.map(key);
    HopCalibration cal;
    cal.bandwidth_Bps = h.optional_quantity("bandwidth", Unit::kBandwidth);
    cal.latency_s = h.optional_quantity("latency", Unit::kTime, Bound::kNonNegative);
    h.finish({"bandwidth", "latency"});
    const double line = line_rate_Bps(s, key);
    if (cal.bandwidth_Bps && line > 0 && *cal.bandwidth_Bps > line * (1 + 1e-9)) {
      h.fail("bandwidth", "expected at most the line rate of one " + key + " link (" +
                              std::to_string(line / 1e9) + " GB/s one direction): an achievable bandwidth");
    }
    s.collectives.calibration[key] = cal;
  }
  m.finish(classes);  // a class this cluster does not have is an unknown key
}

void parse_collectives(const YamlMap& m, ClusterSpec& s) {
  if (auto v = m.optional_boolean("nvls")) {
    if (*v && !s.node.nvls)
      m.fail("nvls", "the servers have no NVLink SHARP (set node.nvls: true if their NVSwitches have it)");
    s.collectives.nvls = *v;
  }
  if (auto v = m.optional_boolean("sharp")) {
    if (*v && !(s.fabric == FabricType::kFatTree && s.fat_tree.sharp))
      m.fail("sharp",
             "the fabric has no in-network reduction (set fabric.sharp: true on a fat-tree of SHARP "
             "switches)");
    s.collectives.sharp = *v;
  }
  s.collectives.launch_latency_s = m.optional_quantity("launch_latency", Unit::kTime, Bound::kNonNegative);
  if (auto cal = m.optional_map("calibration")) parse_calibration(*cal, s);
  m.finish({"nvls", "sharp", "launch_latency", "calibration"});
}

/// A new device count on a preset torus keeps its dimensionality and cube size and is reshaped.
void reshape_torus(const YamlMap& c, ClusterSpec& s) {
  if (s.torus.dims.empty()) return;
  const int ndims = static_cast<int>(s.torus.dims.size());
  auto shape = torus_shape(s.devices, ndims, s.torus.cube);
  if (shape.empty()) {
    c.fail("devices", "expected a chip count that forms a " + std::to_string(ndims) + "D torus of whole " +
                          std::to_string(s.torus.cube) + "-chip-wide cubes (or give fabric.dims), got " +
                          std::to_string(s.devices));
  }
  s.torus.dims = shape;
}

}  // namespace

ClusterSpec parse_cluster(const YamlMap& c) {
  ClusterSpec s;
  const bool from_preset = c.has("preset");
  if (from_preset) {
    const std::string name = c.string("preset");
    const ClusterPreset* p = find_cluster_preset(name);
    if (!p) c.fail("preset", "expected one of {" + cluster_preset_names() + "}, got '" + name + "'");
    s = p->spec;
  }
  if (c.has("accelerator") && c.raw("accelerator").IsMap()) {
    auto custom = std::make_shared<AcceleratorSpec>(parse_custom_accelerator(c.map("accelerator")));
    s.accelerator = custom->name;
    s.custom_accelerator = std::move(custom);
  } else if (auto a = c.optional_string("accelerator")) {
    if (!lookup_accelerator(*a))
      c.fail("accelerator", "expected one of {" + accelerator_names() +
                                "} or a mapping {name, peak_flops, "
                                "hbm, hbm_bandwidth, ...}, got '" +
                                *a + "'");
    s.accelerator = *a;
    s.custom_accelerator.reset();
  }
  const auto devices = c.optional_integer("devices", Bound::kPositive, kMaxCount);
  if (devices) s.devices = static_cast<int>(*devices);
  if (from_preset && (devices || c.has("node") || c.has("fabric"))) s.name += " (modified)";

  std::optional<YamlMap> node = c.optional_map("node");
  std::optional<YamlMap> fabric = c.optional_map("fabric");
  bool dims_given = false;
  if (fabric) dims_given = parse_fabric(*fabric, s);
  if (node) {
    if (s.fabric == FabricType::kTorus) {
      c.fail("node", "a torus wires chips directly: no node section (set fabric.chips_per_host instead)");
    }
    parse_node(*node, s.node);
  }
  if (auto coll = c.optional_map("collectives")) parse_collectives(*coll, s);
  c.finish({"preset", "accelerator", "devices", "node", "fabric", "collectives"});

  if (s.fabric == FabricType::kTorus && devices && !dims_given) reshape_torus(c, s);

  validate_cluster(s, [&](const std::string& key, const std::string& expected) {
    // Point at the key where the user wrote it, else at its section, else at the preset line.
    const auto dot = key.find('.');
    const std::string head = key.substr(0, dot);
    int line = c.line_of(from_preset ? "preset" : head);
    if (dot != std::string::npos) {
      const std::string tail = key.substr(dot + 1);
      const std::optional<YamlMap>& sub = head == "node" ? node : fabric;
      if (sub && sub->has(tail))
        line = sub->line_of(tail);
      else if (c.has(head))
        line = c.line_of(head);
    } else if (c.has(head)) {
      line = c.line_of(head);
    }
    std::string why = expected;
    if (from_preset) why += " (cluster based on preset '" + c.string("preset") + "')";
    throw ConfigError(c.file(), line, c.key_path(key), why);
  });
  return s;
}

}  // namespace moesim::topologies
