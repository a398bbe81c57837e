// The aggregated link-load paths agree with routing every pair, on every kind of fabric.
#include "topologies/link_loads.h"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>

#include "tests/topologies/test_util.h"

namespace moesim::topologies {
namespace {

using testing::build;

const char* kFabrics[] = {
    // rail-optimised 3-level fat-tree, NVSwitch servers
    "  accelerator: h100-sxm\n  devices: 64\n"
    "  node: {gpus: 4, fabric: nvswitch, link_bandwidth: 400 GB/s, nics: 4, nic_bandwidth: 50 GB/s}\n"
    "  fabric: {type: fat-tree, levels: 3, radix: 8, rail_optimized: true, link_bandwidth: 50 GB/s}\n",
    // NVLink mesh servers sharing NICs through PCIe, oversubscribed 2-level tree
    "  accelerator: a100-sxm\n  devices: 32\n"
    "  node: {gpus: 4, fabric: nvlink-mesh, link_bandwidth: 50 GB/s, nics: 2, nic_bandwidth: 25 GB/s,"
    " pcie_bandwidth: 32 GB/s}\n"
    "  fabric: {type: fat-tree, radix: 6, oversubscription: 2, link_bandwidth: 25 GB/s}\n",
    // PCIe servers with one NIC
    "  preset: k40-pcie-cluster\n",
    // dragonfly of 2-GPU servers
    "  accelerator: h100-sxm\n  devices: 24\n"
    "  node: {gpus: 2, link_bandwidth: 400 GB/s, nics: 2, nic_bandwidth: 50 GB/s}\n"
    "  fabric: {type: dragonfly, routers_per_group: 2, nics_per_router: 3, global_links_per_router: 2,"
    " link_bandwidth: 100 GB/s, global_bandwidth: 25 GB/s}\n",
    // tori: a size-2 dimension, ties in even dimensions, an odd dimension
    "  accelerator: tpuv4\n  devices: 32\n  fabric: {type: torus, dims: [2, 4, 4], link_bandwidth: 50 "
    "GB/s}\n",
    "  accelerator: tpuv3\n  devices: 24\n  fabric: {type: torus, dims: [3, 4, 2], link_bandwidth: 50 "
    "GB/s}\n",
    // one server
    "  accelerator: h100-sxm\n  devices: 8\n  node: {gpus: 8, link_bandwidth: 450 GB/s}\n",
};

void expect_same(const LinkLoads& a, const LinkLoads& b) {
  ASSERT_EQ(a.link_bytes.size(), b.link_bytes.size());
  for (std::size_t l = 0; l < a.link_bytes.size(); ++l) {
    EXPECT_NEAR(a.link_bytes[l], b.link_bytes[l], 1e-9 * (1 + b.link_bytes[l])) << "link " << l;
  }
  for (std::size_t t = 0; t < a.tier_bytes.size(); ++t) EXPECT_NEAR(a.tier_bytes[t], b.tier_bytes[t], 1e-6);
}

class LinkLoadsAgree : public ::testing::TestWithParam<const char*> {};

TEST_P(LinkLoadsAgree, DenseRandomMatrix) {
  auto t = build(GetParam());
  const int n = t->device_count();
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> bytes(0, 1e6);
  std::vector<double> m(static_cast<std::size_t>(n) * n);
  for (double& x : m) x = rng() % 3 == 0 ? 0.0 : bytes(rng);
  const auto traffic = TrafficMatrix::dense(n, m);
  expect_same(compute_link_loads(*t, traffic), compute_link_loads_per_pair(*t, traffic));
}

TEST_P(LinkLoadsAgree, UniformGroups) {
  auto t = build(GetParam());
  const int n = t->device_count();
  for (int g : {1, 2, 4, n / 2, n}) {
    if (g < 1 || n % g != 0) continue;
    const auto traffic = TrafficMatrix::uniform_all_to_all(n, 1000.0, g);
    const LinkLoads fast = compute_link_loads(*t, traffic);
    expect_same(fast, compute_link_loads_per_pair(*t, traffic));
    // Every byte leaves its source on exactly one link: the source's first hops carry the total (in a
    // switched fabric, where devices never relay; torus chips do).
    if (t->switch_count() == 0) continue;
    double out_of_devices = 0;
    for (std::size_t l = 0; l < t->link_count(); ++l) {
      if (t->link_endpoints(static_cast<LinkId>(l)).first < n) out_of_devices += fast.link_bytes[l];
    }
    EXPECT_NEAR(out_of_devices, traffic.total_bytes(), 1e-6) << "group " << g;
  }
}

INSTANTIATE_TEST_SUITE_P(Fabrics, LinkLoadsAgree, ::testing::ValuesIn(kFabrics));

TEST(LinkLoads, BusiestLinkAndDrainTime) {
  auto t = build(kFabrics[6]);
  std::vector<double> m(64, 0.0);
  m[0 * 8 + 5] = 900e9;  // 900 GB from GPU 0 to GPU 5 over 450 GB/s NVLink: 2 s
  const LinkLoads loads = compute_link_loads(*t, TrafficMatrix::dense(8, m));
  EXPECT_DOUBLE_EQ(loads.max_link_time_s(*t), 2.0);
  EXPECT_EQ(t->link_endpoints(loads.busiest_link(*t)).first, 0);
}

TEST(LinkLoads, MatrixSizeMustMatch) {
  auto t = build(kFabrics[6]);
  EXPECT_THROW(compute_link_loads(*t, TrafficMatrix::uniform_all_to_all(16, 1, 16)), std::invalid_argument);
  EXPECT_THROW(TrafficMatrix::uniform_all_to_all(8, 1, 3), std::invalid_argument);
  EXPECT_THROW(TrafficMatrix::dense(3, std::vector<double>(8)), std::invalid_argument);
}

}  // namespace
}  // namespace moesim::topologies
