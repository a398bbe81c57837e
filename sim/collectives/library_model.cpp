#include "sim/collectives/library_model.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "topologies/cluster_spec.h"

namespace moesim::collectives {
namespace {

constexpr double kUs = 1e-6;
constexpr double kGBps = 1e9;

// NVIDIA/nccl src/graph/tuning.cc @5067397, ncclTunerConstantsDefaults. [algorithm][protocol LL, LL128,
// Simple], microseconds; algorithms in NcclAlgo order.
constexpr double kBaseLatency_us[7][3] = {
    {6.8, 14.0, 8.4}, {6.6, 14.0, 8.4},  // Tree, Ring
    {0, 0, 0},        {0, 0, 0},         // CollNet Direct, Chain
    {0, 0, 0},        {0, 0, 0},         // NVLS, NVLS Tree
    {8.0, 8.0, 8.0},                     // PAT
};
// hwLatencies[path NVLINK, PCI, NET][algorithm][protocol], microseconds.
constexpr double kHopLatency_us[3][7][3] = {
    {{0.6, 1.25, 4.0}, {0.6, 1.9, 3.4}, {0, 0, 3.7}, {0, 0, 2.8}, {0, 0, 25}, {0, 0, 25}, {0, 0, 4.0}},
    {{1.0, 1.9, 4.0}, {1.0, 2.5, 5.7}, {0, 0, 3.7}, {0, 0, 2.8}, {0, 0, 0}, {0, 0, 0}, {0, 0, 4.0}},
    {{5.0, 8.5, 14}, {2.7, 4.0, 14.0}, {0, 0, 31}, {0, 0, 30}, {0, 0, 18}, {0, 0, 20.9}, {0, 0, 14}},
};
// llMaxBws: one node by generation; several nodes by CPU (Intel / AMD) for 2 and >= 4 nodes. GB/s.
constexpr double kLlMaxSingleNode[4] = {39.0, 87.7, 141.0, 282.0};
constexpr double kLlMaxIntel[2] = {39.0, 20.4};
constexpr double kLlMaxAmd[2] = {22.5, 19.0};
// Per-channel caps [generation][1 node, 2 nodes, >= 4 nodes], GB/s.
constexpr double kPerChRingLL128[4][3] = {{20, 20, 20}, {20, 20, 20}, {36.7, 36.7, 36.7}, {40, 40, 40}};
constexpr double kPerChTreeLL128[4][3] = {
    {20, 20, 20}, {20, 20, 20}, {36.7, 36.7, 29.0}, {55.6, 31.67, 20.0}};
constexpr double kPerChTree[4][3] = {
    {26.5, 18.5, 10.0}, {24.0, 23.6, 17.8}, {38.7, 41.4, 36.0}, {70.0, 42.8, 24.0}};
constexpr double kPerChNvlsTree[4][3] = {
    {26.5, 18.5, 10.0}, {24.0, 23.6, 17.8}, {0, 57.7, 45.5}, {0, 96.0, 80.0}};
constexpr double kNvlsEfficiency[4] = {0, 0, 0.85, 0.74};
// treeCorrectionFactor[protocol][log2(bytes / 64)], 64 B .. 256 MiB.
constexpr double kTreeCorrection[3][23] = {
    {1.0, 1.0, 1.0, 1.0, .9, .8, .7, .7, .7, .7, .6, .5, .4, .4, .5, .6, .7, .8, .9, 1.0, 1.0, 1.0, 1.0},
    {1.0, 1.0, 1.0, 1.0, 1.0, .9, .8, .8, .8, .7, .6, .6, .6, .6, .6, .6, .8, .9, .9, .9, .9, 1.0, 1.0},
    {.9, .9, .9, .9, .9, .9, .9, .8, .7, .6, .6, .5, .5, .5, .5, .6, .7, .8, .7, .7, .8, .9, .9},
};
// Per-channel speeds the graph search tries, GB/s (src/graph/search.cc speedArrayIntra/Inter, sm90*, sm100*).
const std::vector<double> kIntraSpeeds = {40.0, 30.0, 20.0, 18.0, 15.0, 12.0, 10.0,
                                          9.0,  7.0,  6.0,  5.0,  4.0,  3.0};
const std::vector<double> kInterSpeeds = {48.0, 30.0, 28.0, 24.0, 20.0, 18.0, 15.0, 12.0, 10.0, 9.0,
                                          7.0,  6.0,  5.0,  4.0,  3.0,  2.4,  1.2,  0.24, 0.12};
const std::vector<double> kSm90IntraSpeeds = {60.0, 50.0, 40.0, 30.0, 24.0, 20.0, 15.0, 12.0, 11.0, 6.0, 3.0};
const std::vector<double> kSm90InterSpeeds = {48.0, 45.0, 42.0, 40.0, 30.0, 24.0, 22.0, 20.0, 17.5,
                                              15.0, 12.0, 6.0,  3.0,  2.4,  1.2,  0.24, 0.12};
const std::vector<double> kSm100IntraSpeeds = {90.0, 80.0, 70.0, 60.0, 50.0, 45.0,
                                               40.0, 30.0, 24.0, 20.0, 19.0, 18.0};
const std::vector<double> kSm100InterSpeeds = {96.0, 86.0, 80.0, 48.0, 45.1, 42.0, 40.0, 30.0, 24.0, 22.0,
                                               20.0, 17.5, 15.0, 12.0, 6.0,  3.0,  2.4,  1.2,  0.24, 0.12};
constexpr int kMaxNvlsArity = 32;  // NCCL_MAX_NVLS_ARITY (src/include/device.h)
constexpr int kMaxChannels = 64;   // MAXCHANNELS

/// NCCL send/recv (grouped p2p, the all-to-all) moves less than the links' ring bandwidth: nccl-tests
/// alltoall on one H100 node gives 320 GB/s busbw against 370 for ring all-reduce over the same NVLink
/// (NVIDIA GTC25 S72583; 0.86 of the 371 GB/s NCCL models), and on 4 DGX H100 nodes 48 GB/s against the
/// 62 GB/s a NIC-bound exchange at 48 GB/s per NIC would give (0.77). The per-round synchronisation that
/// would explain the latter (peers issued as rank +- round) does not match NCCL >= 2.18, whose schedule
/// fuses peers along node boundaries (src/init.cc ncclP2pSchedule, "fuse along node boundaries"), so the
/// loss is taken as measured. DERIVED from those two GTC25 rows (tests/validation/collectives.yaml marks
/// them); the A100 rows of the same talk (210 and 24 GB/s) check it independently.
constexpr double kP2pNvLinkEfficiency = 320.0 / 371.0;
constexpr double kP2pNetEfficiency = 48.0 / 62.0;

/// Messages per second of one NIC: ConnectX-7 "up to 330-370 million messages per second", ConnectX-6
/// "215 million" (NVIDIA ConnectX-7 / ConnectX-6 product briefs).
double message_rate_of(double nic_line_Bps) {
  return nic_line_Bps >= 40e9 ? 330e6 : 215e6;
}

/// NCCL's tables by compute capability: sm90 for H100, H200 and H800 (an H100 with fewer NVLinks), sm100 for
/// B200 and GB200. MI300X runs RCCL, whose tuning NCCL's tables do not describe: it gets NCCL's oldest
/// (smallest) speeds, as V100 and K40 do, rather than a Hopper or Blackwell table it has no claim to.
Generation generation_of(const std::string& accelerator) {
  if (accelerator == "h100-sxm" || accelerator == "h200-sxm" || accelerator == "h800-sxm")
    return Generation::kHopper;
  if (accelerator == "b200" || accelerator == "gb200") return Generation::kBlackwell;
  if (accelerator == "a100-sxm") return Generation::kAmpere;
  return Generation::kVolta;  // v100, k40, mi300x
}

const std::vector<double>& intra_speeds(Generation g) {
  return g == Generation::kBlackwell ? kSm100IntraSpeeds
         : g == Generation::kHopper  ? kSm90IntraSpeeds
                                     : kIntraSpeeds;
}
const std::vector<double>& inter_speeds(Generation g) {
  return g == Generation::kBlackwell ? kSm100InterSpeeds
         : g == Generation::kHopper  ? kSm90InterSpeeds
                                     : kInterSpeeds;
}

/// Fastest table speed <= limit (the last one if none fits), GB/s.
double fastest_fitting(const std::vector<double>& speeds, double limit_GBps) {
  for (double s : speeds)
    if (s <= limit_GBps) return s;
  return speeds.back();
}

int node_index(int nodes) {
  return nodes <= 1 ? 0 : nodes == 2 ? 1 : 2;
}
int gen_index(Generation g) {
  return static_cast<int>(g);
}
int proto_index(Protocol p) {
  return static_cast<int>(p);
}

}  // namespace

std::string_view protocol_name(Protocol p) {
  switch (p) {
    case Protocol::kLL:
      return "ll";
    case Protocol::kLL128:
      return "ll128";
    case Protocol::kSimple:
      return "simple";
  }
  return "?";
}

LibraryModel LibraryModel::of(const topologies::Topology& topology, const network::LinkModel& links) {
  LibraryModel m;
  const auto* spec = topology.cluster_spec();
  // Achievable bandwidths of the NVLink and NIC tiers (the largest link of each tier).
  for (std::size_t l = 0; l < topology.link_count(); ++l) {
    const auto id = static_cast<topologies::LinkId>(l);
    const auto c = links.tier_class(topology.link(id).tier);
    const std::string& tier = topology.tiers()[static_cast<std::size_t>(topology.link(id).tier)];
    if (c == network::HopClass::kNvLink || c == network::HopClass::kPcie)
      m.nvlink_Bps = std::max(m.nvlink_Bps, links.bandwidth_Bps(id));
    if (tier == "nic") m.nic_Bps = std::max(m.nic_Bps, links.bandwidth_Bps(id));
  }
  if (m.nic_Bps == 0) m.nic_Bps = m.nvlink_Bps;
  m.nic_message_rate = message_rate_of(m.nic_Bps);
  if (spec == nullptr) return m;
  if (spec->fabric == topologies::FabricType::kTorus) {
    // ICI: ~1 us per hop (scaling book tpus.md). Fixed cost: an AllGather of 32 kB shards over 4 TPU v5e
    // chips took ~8 us (scaling book sharding.md, measured), of which 3 hops x 1 us and 2.6 us of transfer
    // at the ICI rate: 2.4 us. DERIVED from that row (tests/validation/collectives.yaml).
    m.library = Library::kIci;
    const auto cal = spec->collectives.calibration.find("ici");
    if (cal != spec->collectives.calibration.end() && cal->second.latency_s)
      m.ici_hop_s = *cal->second.latency_s;
    if (spec->collectives.launch_latency_s) m.ici_launch_s = *spec->collectives.launch_latency_s;
    return m;
  }
  m.generation = generation_of(spec->accelerator);
  // DGX A100 has two AMD EPYC 7742 hosts; DGX H100 two Intel Xeon Platinum 8480C (DGX user guides).
  m.amd_host = spec->accelerator == "a100-sxm";
  m.nvlink_intra = spec->node.fabric != topologies::NodeFabric::kPcie;
  m.nvls = spec->node.nvls && spec->collectives.nvls && m.generation >= Generation::kHopper &&
           spec->node.fabric == topologies::NodeFabric::kNvSwitch;
  m.sharp =
      spec->fat_tree.sharp && spec->collectives.sharp && spec->fabric == topologies::FabricType::kFatTree;
  // PXN (NCCL >= 2.12, on by default: NCCL_PXN_DISABLE=0): needs NVLink to the GPU next to the NIC.
  m.pxn = m.nvlink_intra && spec->node.nics == spec->node.gpus && spec->node.gpus > 1;
  if (spec->collectives.launch_latency_s) m.base_scale = *spec->collectives.launch_latency_s / (8.4 * kUs);
  const char* names[3] = {"nvlink", "pcie", "network"};
  for (int p = 0; p < 3; ++p) {
    const auto cal = spec->collectives.calibration.find(names[p]);
    if (cal != spec->collectives.calibration.end() && cal->second.latency_s)
      m.hop_scale[p] = *cal->second.latency_s / (kHopLatency_us[p][1][2] * kUs);
  }
  return m;
}

double LibraryModel::base_latency_s(NcclAlgo a, Protocol p) const {
  return base_scale * kBaseLatency_us[static_cast<int>(a)][proto_index(p)] * kUs;
}

double LibraryModel::hop_latency_s(NcclPath path, NcclAlgo a, Protocol p) const {
  const int i = static_cast<int>(path);
  return hop_scale[i] * kHopLatency_us[i][static_cast<int>(a)][proto_index(p)] * kUs;
}

double LibraryModel::net_overhead_s(Protocol p) const {
  return (amd_host ? 2.0 : 1.0) * (p == Protocol::kSimple ? 3.0 : 1.0) * kUs;
}

double LibraryModel::ll_max_Bps(int nodes) const {
  if (nodes <= 1) return kLlMaxSingleNode[gen_index(generation)] * kGBps;
  return (amd_host ? kLlMaxAmd : kLlMaxIntel)[nodes <= 2 ? 0 : 1] * kGBps;
}
double LibraryModel::per_channel_ring_ll128_Bps(int nodes) const {
  return kPerChRingLL128[gen_index(generation)][node_index(nodes)] * kGBps;
}
double LibraryModel::per_channel_tree_Bps(int nodes) const {
  return kPerChTree[gen_index(generation)][node_index(nodes)] * kGBps;
}
double LibraryModel::per_channel_tree_ll128_Bps(int nodes) const {
  return kPerChTreeLL128[gen_index(generation)][node_index(nodes)] * kGBps;
}
double LibraryModel::per_channel_nvls_tree_Bps(int nodes) const {
  return kPerChNvlsTree[gen_index(generation)][node_index(nodes)] * kGBps;
}
double LibraryModel::nvls_efficiency() const {
  return kNvlsEfficiency[gen_index(generation)];
}

double LibraryModel::tree_correction(Protocol p, double bytes) const {
  if (bytes < 64) return 1.0;
  const int log_size = static_cast<int>(std::floor(std::log2(bytes / 64)));
  if (log_size < 0 || log_size >= 23) return 1.0;
  return kTreeCorrection[proto_index(p)][log_size];
}

int LibraryModel::ring_channels(int nodes, int nics_per_node) const {
  double speed = 0;
  int channels = 1;
  if (nodes <= 1) {
    speed = fastest_fitting(intra_speeds(generation), nvlink_Bps / kGBps);
    channels = std::max(1, static_cast<int>(nvlink_Bps / kGBps / speed));
  } else {
    speed = fastest_fitting(inter_speeds(generation), nic_Bps / kGBps);
    channels = std::max(1, nics_per_node);
  }
  // ncclTopoDupChannels: doubled when the per-channel speed is >= 25 GB/s, except on sm90+ below 50 GB/s
  // with more than 4 channels.
  const bool dup = speed >= 25.0 && !(generation >= Generation::kHopper && speed < 50.0 && channels > 4);
  return std::min(kMaxChannels / 2, dup ? 2 * channels : channels);
}

int LibraryModel::nvls_channels(int gpus) const {
  return std::min(kMaxNvlsArity, gpus);
}

double LibraryModel::nvls_channel_Bps(int gpus) const {
  const int ch = nvls_channels(gpus);
  return fastest_fitting(intra_speeds(generation), nvlink_Bps / kGBps / ch) * kGBps;
}

double LibraryModel::p2p_efficiency(bool crosses_network) const {
  if (library == Library::kIci) return 1.0;
  return crosses_network ? kP2pNetEfficiency : kP2pNvLinkEfficiency;
}

double LibraryModel::p2p_peer_s(bool crosses_network) const {
  if (library == Library::kIci) return 0.0;
  // A network peer costs one proxy post (NCCL's network post overhead, getNetOverhead in tuning.cc); an
  // NVLink peer one LL-size pipelined step over NVLink (hwLat[NVLINK][Ring][LL]). Checks: 8 H20 GPUs,
  // alltoall of 128 B-4 KiB in 10.5-11.1 us (DeepEP #303) vs 8.4 + 7 x 0.6 = 12.6 us; 256 GPUs, 512 B in
  // 324 us (nccl-tests #78) vs about 270 us.
  return crosses_network ? net_overhead_s(Protocol::kLL) * hop_scale[2]
                         : hop_latency_s(NcclPath::kNvLink, NcclAlgo::kRing, Protocol::kLL);
}

}  // namespace moesim::collectives
