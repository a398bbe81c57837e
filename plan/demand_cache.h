// moesim — a cache of network-demand prices across the layouts of one cluster: layouts repeat many
// collectives (the same gradient all-reduce under every recompute mode and micro-batch count, the same
// all-to-all under every ZeRO stage), and pricing them is most of a step simulation.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/step/network_pricer.h"
#include "sim/step/step_simulation.h"

namespace moesim::plan {

/// Counters of a DemandCache.
struct CacheStats {
  std::size_t hits = 0;    ///< demands answered from the cache
  std::size_t misses = 0;  ///< demands priced by the backend
};

/// Prices a step's demands like sim::price_demands(), answering each demand whose inputs it has seen before
/// from memory. A demand's price depends on (network_pricer.cpp): its kind, pipeline stage, bytes and
/// transposition, the rank layout that places its groups on the cluster (data, tensor, pipeline; the
/// expert degree for the all-to-alls and the expert replicas' collectives), and for an all-to-all the byte
/// matrix, i.e. the bytes per token copy and the copies each member of the expert group receives; the key
/// is a 128-bit hash (two independent 64-bit hashes) of exactly these.
/// Everything else it reads (the topology, the backend, the scenario's sections other than the layout) is
/// fixed for one cache: use one cache per cluster and plan. The misses of one call are priced together in
/// one price_demands() call.
class DemandCache final : public sim::DemandPricer {
 public:
  std::vector<sim::DemandPrice> price(const sim::BuiltStep& step, const workloads::RunSpec& run,
                                      const topologies::Topology& topology,
                                      network::NetworkBackend& backend) override;
  const CacheStats& stats() const { return stats_; }

 private:
  using Key = std::pair<std::uint64_t, std::uint64_t>;
  struct KeyHash {
    std::size_t operator()(const Key& k) const {
      return static_cast<std::size_t>(k.first ^ (k.second * 0x9E3779B97F4A7C15ull));
    }
  };
  std::unordered_map<Key, sim::DemandPrice, KeyHash> prices_;
  CacheStats stats_;
};

}  // namespace moesim::plan
