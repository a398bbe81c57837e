#include "plan/demand_cache.h"

#include <bit>

#include "sim/step/step_builder.h"

namespace moesim::plan {
namespace {

/// Two unrelated multiply-xorshift hashes (FNV-style and splitmix-style) of one stream of 64-bit words.
class KeyBuilder {
 public:
  void add(std::uint64_t word) {
    a_ = (a_ ^ word) * 0x100000001B3ull;
    a_ ^= a_ >> 29;
    b_ ^= word + 0x9E3779B97F4A7C15ull + (b_ << 6) + (b_ >> 2);
    b_ *= 0xBF58476D1CE4E5B9ull;
    b_ ^= b_ >> 31;
  }
  void add(double v) { add(std::bit_cast<std::uint64_t>(v)); }
  void add(std::int64_t v) { add(static_cast<std::uint64_t>(v)); }
  void add(int v) { add(static_cast<std::uint64_t>(static_cast<std::int64_t>(v))); }
  std::pair<std::uint64_t, std::uint64_t> key() const { return {a_, b_}; }

 private:
  std::uint64_t a_ = 0xCBF29CE484222325ull;
  std::uint64_t b_ = 0x2545F4914F6CDD1Dull;
};

/// Bound on the cached prices (each a few hundred bytes): past it the cache starts again.
constexpr std::size_t kMaxEntries = 1u << 20;

}  // namespace

std::vector<sim::DemandPrice> DemandCache::price(const sim::BuiltStep& step, const workloads::RunSpec& run,
                                                 const topologies::Topology& topology,
                                                 network::NetworkBackend& backend) {
  const auto& L = step.layout;
  const double bytes_per_copy =
      static_cast<double>(run.model.d_model) * workloads::bytes_per_element(run.training.precision);
  std::vector<Key> keys;
  keys.reserve(step.demands.size());
  for (const auto& d : step.demands) {
    KeyBuilder k;
    k.add(static_cast<int>(d.kind));
    k.add(d.stage);
    k.add(d.bytes);
    k.add(d.transpose ? 1 : 0);
    for (const int degree : {L.data, L.tensor, L.pipeline}) k.add(degree);
    using Kind = sim::NetworkDemand::Kind;
    // Only the all-to-all and the expert groups' collectives depend on the expert degrees: a dense
    // gradient reduction is the same under every expert degree.
    if (d.kind == Kind::kAllToAll || d.kind == Kind::kExpertAllReduce ||
        d.kind == Kind::kExpertReduceScatter || d.kind == Kind::kExpertAllGather ||
        d.kind == Kind::kExpertTpAllGather || d.kind == Kind::kExpertTpReduceScatter) {
      k.add(L.expert);
      k.add(L.expert_tensor);
    }
    if (d.kind == Kind::kAllToAll) {
      k.add(bytes_per_copy);
      const auto& load = step.loads[static_cast<std::size_t>(d.draw)];
      for (int j = 0; j < L.expert; ++j) k.add(sim::received_copies(run, load, j));
    }
    keys.push_back(k.key());
  }
  // Price the demands not seen before in one call, as the step simulation would.
  sim::BuiltStep missing;
  missing.layout = step.layout;
  missing.loads = step.loads;
  std::vector<std::size_t> missing_of;  // demand index of each missing one
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (prices_.count(keys[i])) continue;
    bool repeated = false;  // the same key twice in one step
    for (const auto m : missing_of) repeated = repeated || keys[m] == keys[i];
    if (repeated) continue;
    missing_of.push_back(i);
    missing.demands.push_back(step.demands[i]);
  }
  if (!missing.demands.empty()) {
    if (prices_.size() + missing.demands.size() > kMaxEntries) prices_.clear();
    auto priced = sim::price_demands(missing, run, topology, backend);
    for (std::size_t m = 0; m < missing_of.size(); ++m)
      prices_.emplace(keys[missing_of[m]], std::move(priced[m]));
  }
  std::vector<sim::DemandPrice> out;
  out.reserve(keys.size());
  for (const auto& key : keys) out.push_back(prices_.at(key));
  stats_.misses += missing.demands.size();
  stats_.hits += keys.size() - missing.demands.size();
  return out;
}

}  // namespace moesim::plan
