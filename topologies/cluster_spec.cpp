#include "topologies/cluster_spec.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "topologies/accelerator.h"
#include "topologies/cluster_presets.h"
#include "topologies/fat_tree_shape.h"
#include "workloads/limits.h"

namespace moesim::topologies {
namespace {

std::string str(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

void check_positive(double v, const std::string& key, const ClusterErrorSink& fail) {
  if (!(v > 0)) fail(key, "expected a bandwidth greater than zero (required), got " + str(v));
}

void check_latency(double v, const std::string& key, const ClusterErrorSink& fail) {
  if (!(v >= 0)) fail(key, "expected a latency of zero or more, got " + str(v));
}

void validate_node(const ClusterSpec& s, const ClusterErrorSink& fail) {
  const NodeSpec& n = s.node;
  if (n.gpus < 1) fail("node.gpus", "expected at least one accelerator per server");
  if (s.devices % n.gpus != 0) {
    fail("devices", "expected a multiple of node.gpus (" + std::to_string(n.gpus) + "), got " +
                        std::to_string(s.devices));
  }
  if (n.gpus > 1 || n.fabric == NodeFabric::kPcie)
    check_positive(n.link_bandwidth_Bps, "node.link_bandwidth", fail);
  check_latency(n.link_latency_s, "node.link_latency", fail);
  if (s.fabric == FabricType::kNone) return;
  if (n.nics < 1 || n.gpus % n.nics != 0) {
    fail("node.nics", "expected a number of NICs that divides node.gpus (" + std::to_string(n.gpus) +
                          "), got " + std::to_string(n.nics));
  }
  check_positive(n.nic_bandwidth_Bps, "node.nic_bandwidth", fail);
  check_latency(n.nic_latency_s, "node.nic_latency", fail);
  if (n.nics < n.gpus && n.fabric != NodeFabric::kPcie) {
    check_positive(n.pcie_bandwidth_Bps, "node.pcie_bandwidth", fail);
  }
  check_latency(n.pcie_latency_s, "node.pcie_latency", fail);
}

void validate_torus(const ClusterSpec& s, const ClusterErrorSink& fail) {
  const TorusSpec& t = s.torus;
  if (t.dims.size() != 2 && t.dims.size() != 3)
    fail("fabric.dims", "expected 2 or 3 dimensions such as [32, 32]");
  if (t.cube < 1) fail("fabric.cube", "expected at least 1");
  long long product = 1;
  std::string shape;
  for (int d : t.dims) {
    if (d < 1) fail("fabric.dims", "expected every dimension to be at least 1");
    if (d > moesim::limits::kMaxDevices)
      fail("fabric.dims", "expected every dimension to be at most the device limit");
    if (d % t.cube != 0) {
      fail("fabric.dims", "expected every dimension to be a multiple of the cube size " +
                              std::to_string(t.cube) + ", got " + std::to_string(d));
    }
    product *= d;
    if (!shape.empty()) shape += "x";
    shape += std::to_string(d);
  }
  if (product != s.devices) {
    fail("fabric.dims", "expected dimensions whose product is the device count " + std::to_string(s.devices) +
                            ", got " + shape + " = " + std::to_string(product));
  }
  if (!t.wraparound.empty() && t.wraparound.size() != t.dims.size()) {
    fail("fabric.wraparound", "expected one flag per dimension (" + std::to_string(t.dims.size()) +
                                  "), got " + std::to_string(t.wraparound.size()));
  }
  if (t.chips_per_host < 1 || s.devices % t.chips_per_host != 0) {
    fail("fabric.chips_per_host", "expected a number of chips per host that divides devices");
  }
  check_positive(t.link_bandwidth_Bps, "fabric.link_bandwidth", fail);
  check_latency(t.link_latency_s, "fabric.link_latency", fail);
}

void validate_dragonfly(const ClusterSpec& s, const ClusterErrorSink& fail) {
  const DragonflySpec& d = s.dragonfly;
  if (d.routers_per_group < 1) fail("fabric.routers_per_group", "expected at least 1 (required)");
  if (d.nics_per_router < 1) fail("fabric.nics_per_router", "expected at least 1 (required)");
  const int endpoints = s.node_count() * s.node.nics;
  const int routers = (endpoints + d.nics_per_router - 1) / d.nics_per_router;
  const int groups = (routers + d.routers_per_group - 1) / d.routers_per_group;
  if (groups > 1 && static_cast<long long>(d.routers_per_group) * d.global_links_per_router + 1 < groups) {
    fail("fabric.global_links_per_router",
         "expected enough global links for one per pair of groups: " + std::to_string(groups) +
             " groups need routers_per_group * global_links_per_router >= " + std::to_string(groups - 1));
  }
  check_positive(d.local_bandwidth_Bps, "fabric.link_bandwidth", fail);
  if (groups > 1) check_positive(d.global_bandwidth_Bps, "fabric.global_bandwidth", fail);
  check_latency(d.local_latency_s, "fabric.link_latency", fail);
  check_latency(d.global_latency_s, "fabric.global_latency", fail);
}

}  // namespace

int ClusterSpec::node_count() const {
  if (fabric == FabricType::kTorus) return torus.chips_per_host > 0 ? devices / torus.chips_per_host : 0;
  return node.gpus > 0 ? devices / node.gpus : 0;
}

std::vector<std::string> hop_classes(const ClusterSpec& s) {
  if (s.fabric == FabricType::kTorus) return {"ici"};
  std::vector<std::string> out;
  if (s.node.fabric != NodeFabric::kPcie && s.node.gpus > 1) out.push_back("nvlink");
  if (s.node.fabric == NodeFabric::kPcie || (s.fabric != FabricType::kNone && s.node.nics < s.node.gpus))
    out.push_back("pcie");
  if (s.fabric != FabricType::kNone) out.push_back("network");
  return out;
}

std::string to_string(NodeFabric f) {
  switch (f) {
    case NodeFabric::kNvSwitch:
      return "nvswitch";
    case NodeFabric::kNvLinkMesh:
      return "nvlink-mesh";
    case NodeFabric::kPcie:
      return "pcie";
  }
  return "?";
}

std::string to_string(FabricType f) {
  switch (f) {
    case FabricType::kNone:
      return "none";
    case FabricType::kFatTree:
      return "fat-tree";
    case FabricType::kTorus:
      return "torus";
    case FabricType::kDragonfly:
      return "dragonfly";
  }
  return "?";
}

std::vector<int> torus_shape(int devices, int ndims, int cube) {
  long long cube_volume = 1;
  for (int i = 0; i < ndims; ++i) cube_volume *= cube;
  if (devices < 1 || cube < 1 || devices % cube_volume != 0 || (ndims != 2 && ndims != 3)) return {};
  const int m = static_cast<int>(devices / cube_volume);
  std::vector<int> best;
  int best_spread = -1;
  for (int a = 1; a * a <= m; ++a) {
    if (m % a != 0) continue;
    if (ndims == 2) {
      best = {a, m / a};  // the last a found is the most square
      continue;
    }
    const int rest = m / a;
    for (int b = a; b * b <= rest; ++b) {
      if (rest % b != 0) continue;
      const int c = rest / b;
      if (best_spread < 0 || c - a < best_spread) {
        best_spread = c - a;
        best = {a, b, c};
      }
    }
  }
  for (int& d : best) d *= cube;
  std::sort(best.begin(), best.end());
  return best;
}

void validate_cluster(const ClusterSpec& s, const ClusterErrorSink& fail) {
  if (!s.custom_accelerator && !lookup_accelerator(s.accelerator)) {
    fail("accelerator",
         "expected one of {" + accelerator_names() + "} (required), got '" + s.accelerator + "'");
  }
  if (s.devices < 1) fail("devices", "expected at least one device (required)");
  if (s.devices > moesim::limits::kMaxDevices) {
    fail("devices", "expected at most " + std::to_string(moesim::limits::kMaxDevices) +
                        " devices (larger clusters are beyond what moesim simulates), got " +
                        std::to_string(s.devices));
  }
  switch (s.fabric) {
    case FabricType::kTorus:
      validate_torus(s, fail);
      return;
    case FabricType::kNone:
      validate_node(s, fail);
      if (s.node_count() > 1) {
        fail("fabric.type", "expected a fabric between the " + std::to_string(s.node_count()) +
                                " servers (fat-tree, torus or dragonfly); 'none' holds one server");
      }
      return;
    case FabricType::kFatTree: {
      validate_node(s, fail);
      const FatTreeSpec& ft = s.fat_tree;
      if (ft.levels != 2 && ft.levels != 3) fail("fabric.levels", "expected 2 or 3");
      if (ft.radix < 2) fail("fabric.radix", "expected at least 2 ports per switch (required)");
      if (!(ft.oversubscription > 0)) fail("fabric.oversubscription", "expected a ratio greater than zero");
      check_positive(ft.link_bandwidth_Bps, "fabric.link_bandwidth", fail);
      check_latency(ft.link_latency_s, "fabric.link_latency", fail);
      FatTreeShape shape;
      if (auto why = compute_fat_tree_shape(s, shape)) fail("fabric.radix", *why);
      return;
    }
    case FabricType::kDragonfly:
      validate_node(s, fail);
      validate_dragonfly(s, fail);
      return;
  }
}

void validate_cluster(const ClusterSpec& spec) {
  validate_cluster(spec, [](const std::string& key, const std::string& expected) {
    throw ConfigError("", 0, "cluster." + key, expected);
  });
}

const AcceleratorSpec& accelerator_of(const ClusterSpec& cluster) {
  if (cluster.custom_accelerator) return *cluster.custom_accelerator;
  return find_accelerator(cluster.accelerator);
}

}  // namespace moesim::topologies
