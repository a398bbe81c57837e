// Backends on fabrics built the product's way: YAML -> parse_cluster -> make_topology.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "sim/collectives/collective.h"
#include "sim/network/network_backend.h"
#include "topologies/cluster_spec.h"
#include "topologies/topology_factory.h"
#include "workloads/yaml_reader.h"

namespace moesim::network {
namespace {

std::unique_ptr<topologies::Topology> from_yaml(const std::string& text) {
  const YamlMap cluster(YAML::Load(text), "<test>", "cluster");
  return topologies::make_topology(topologies::parse_cluster(cluster));
}

// 64 H100 (8 DGX nodes) on the SuperPOD preset's rail-optimised fat-tree. ptask and flow follow the same
// single paths and must agree within 10%. The analytic backend spreads inter-rail traffic over all spines
// (ECMP fractions of Topology::route); SimGrid routes take Topology::single_path (d-mod-k: one spine per
// destination), and when several transfers of a phase pick the same spine link SimGrid is slower —
// a real static-routing collision, not a model error. So: analytic <= SimGrid, and where they differ by
// more than 10% the busiest link SimGrid reports is a spine link.
TEST(FabricYaml, BackendsOnSuperPodAgreeOrDifferByRoutingOnly) {
  const auto topo = from_yaml("preset: dgx-h100-superpod\ndevices: 64\n");
  std::vector<int> group(64);
  std::iota(group.begin(), group.end(), 0);
  for (auto [op, a, bytes] :
       {std::tuple{collectives::CollectiveOp::kAllToAll, collectives::Algorithm::kDirect, 64e6},
        std::tuple{collectives::CollectiveOp::kAllToAll, collectives::Algorithm::kHierarchical, 64e6},
        std::tuple{collectives::CollectiveOp::kAllReduce, collectives::Algorithm::kRing, 256e6}}) {
    const auto s = collectives::build_schedule({op, a, group, bytes}, *topo);
    const auto ra = make_backend(BackendKind::kAnalytic, *topo)->simulate(s);
    const auto rp = make_backend(BackendKind::kPtask, *topo)->simulate(s);
    const auto rf = make_backend(BackendKind::kFlow, *topo)->simulate(s);
    const auto& tier = topo->tiers().at(topo->link(rp.busiest_link).tier);
    std::cout << s.name << " superpod-64: analytic " << ra.time_s << " s (busiest "
              << topo->tiers().at(topo->link(ra.busiest_link).tier) << "), ptask " << rp.time_s << " s, flow "
              << rf.time_s << " s (busiest " << tier << ", " << rp.busiest_link_utilisation << ")\n";
    EXPECT_LE(std::max(rp.time_s, rf.time_s), 1.10 * std::min(rp.time_s, rf.time_s)) << s.name;
    EXPECT_LE(ra.time_s, 1.0001 * std::min(rp.time_s, rf.time_s)) << s.name;
    if (rp.time_s > 1.10 * ra.time_s) {
      EXPECT_EQ(tier, "spine") << s.name;
    }
  }
}

}  // namespace
}  // namespace moesim::network
