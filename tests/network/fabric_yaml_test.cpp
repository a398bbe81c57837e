// Backends on fabrics built the product's way (YAML -> parse_cluster -> make_topology): SimGrid's single
// paths (d-mod-k) must spread like the analytic ECMP, so ptask and analytic agree within 10% on the DGX
// SuperPOD presets for what the tuner runs. Each case is its own test, hence its own process (SimGrid:
// one engine per process; the backend forks besides).
#include <gtest/gtest.h>

#include <numeric>
#include <tuple>

#include "sim/collectives/collective.h"
#include "sim/network/network_backend.h"
#include "topologies/cluster_spec.h"
#include "topologies/topology_factory.h"
#include "workloads/yaml_reader.h"

namespace moesim::network {
namespace {

using collectives::Algorithm;
using collectives::CollectiveOp;

std::unique_ptr<topologies::Topology> from_yaml(const std::string& text) {
  const YamlMap cluster(YAML::Load(text), "<test>", "cluster");
  return topologies::make_topology(topologies::parse_cluster(cluster));
}

using Case = std::tuple<std::string, int, CollectiveOp>;
class PresetAgreement : public ::testing::TestWithParam<Case> {};

TEST_P(PresetAgreement, PtaskWithinTenPercentOfAnalytic) {
  const auto& [preset, devices, op] = GetParam();
  const auto topo = from_yaml("preset: " + preset + "\ndevices: " + std::to_string(devices) + "\n");
  collectives::CollectiveRequest r;
  r.op = op;
  r.group.resize(static_cast<std::size_t>(devices));
  std::iota(r.group.begin(), r.group.end(), 0);
  r.bytes = op == CollectiveOp::kAllToAll ? 256e6 : 1024.0 * 1024 * 1024;
  const auto plan = collectives::CollectiveModel(*topo).plan(r);
  const auto ra = make_backend(BackendKind::kAnalytic, *topo)->simulate(plan.schedule);
  const auto rp = make_backend(BackendKind::kPtask, *topo)->simulate(plan.schedule);
  std::cout << preset << " x" << devices << " " << collectives::op_name(op) << " " << plan.label()
            << ": analytic " << ra.time_s << " s, ptask " << rp.time_s << " s (busiest "
            << topo->tiers().at(topo->link(rp.busiest_link).tier) << ")\n";
  EXPECT_NEAR(rp.time_s, ra.time_s, 0.10 * ra.time_s) << plan.label();
  EXPECT_NEAR(plan.time_s, ra.time_s, 1e-9 * ra.time_s);  // the tuner's closed form is the analytic time
}

INSTANTIATE_TEST_SUITE_P(SuperPods, PresetAgreement,
                         ::testing::Combine(::testing::Values("dgx-h100-superpod", "dgx-a100-superpod"),
                                            ::testing::Values(64, 256),
                                            ::testing::Values(CollectiveOp::kAllToAll,
                                                              CollectiveOp::kAllReduce)),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string name =
                               std::get<0>(info.param) + "_" + std::to_string(std::get<1>(info.param)) + "_" +
                               (std::get<2>(info.param) == CollectiveOp::kAllToAll ? "a2a" : "allreduce");
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

TEST(FabricYaml, FlowAgreesWithPtaskOnARailOptimisedFatTree) {
  const auto topo = from_yaml("preset: dgx-h100-superpod\ndevices: 64\n");
  collectives::CollectiveRequest r;
  r.op = CollectiveOp::kAllReduce;
  r.algorithm = Algorithm::kRing;
  r.group.resize(64);
  std::iota(r.group.begin(), r.group.end(), 0);
  r.bytes = 256e6;
  const auto s = collectives::CollectiveModel(*topo).plan(r).schedule;
  const double p = make_backend(BackendKind::kPtask, *topo)->simulate(s).time_s;
  const double f = make_backend(BackendKind::kFlow, *topo)->simulate(s).time_s;
  EXPECT_NEAR(f, p, 0.10 * p);
}

}  // namespace
}  // namespace moesim::network
