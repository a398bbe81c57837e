#include "plan/layout_space.h"

#include <sstream>

#include "workloads/config_error.h"

namespace moesim::plan {
namespace {

using workloads::ParallelismSpec;

std::vector<std::int64_t> divisors(std::int64_t n) {
  std::vector<std::int64_t> out;
  for (std::int64_t d = 1; d <= n; ++d)
    if (n % d == 0) out.push_back(d);
  return out;
}

/// The layouts that share (tensor, pipeline, data, expert): micro-batches, virtual stages, stage split,
/// sequence parallelism, ZeRO and recompute.
class Enumerator {
 public:
  Enumerator(const sim::Scenario& base, const YamlMap& root, const PlanSpec& spec)
      : base_(base), root_(root), spec_(spec), m_(base.run.model) {}

  std::vector<Layout> run(std::size_t* rejected) {
    const std::int64_t n = base_.cluster.device_count();
    const std::int64_t per_node = n / std::max(1, base_.cluster.node_count());
    for (const auto t : divisors(n)) {
      if (!spec_.rule(Axis::kTensor).admits(t) || m_.n_heads % t != 0) continue;
      if (spec_.tensor_within_node && per_node % t != 0) continue;
      for (const auto p : divisors(n / t)) {
        if (!spec_.rule(Axis::kPipeline).admits(p) || p > m_.total_layers()) continue;
        const std::int64_t d = n / (t * p);
        if (!spec_.rule(Axis::kData).admits(d)) continue;
        if (base_.run.training.global_batch_sequences % d != 0) continue;
        // Classic: the expert group inside the data ranks, each expert split over the tensor ranks.
        // Folded (tensor > 1): whole experts, the expert group taking tensor and data ranks.
        const std::vector<bool> folds = t > 1 && m_.is_moe() ? spec_.fold_experts : std::vector<bool>{false};
        for (const bool folded : folds)
          for (const auto e : divisors(folded ? t * d : d)) {
            if (!spec_.rule(Axis::kExpert).admits(e)) continue;
            if (!m_.is_moe() ? e != 1 : (m_.experts % e != 0 && e % m_.experts != 0)) continue;
            ParallelismSpec ps = base_.run.parallelism;
            ps.stage_layers.clear();
            ps.data = d;
            ps.tensor = t;
            ps.pipeline = p;
            ps.expert = e;
            ps.expert_tensor = folded ? 1 : 0;
            micro_batches(n, ps);
          }
      }
    }
    if (rejected) *rejected = rejected_;
    return std::move(out_);
  }

 private:
  void micro_batches(std::int64_t n, ParallelismSpec ps) {
    for (const auto mb : divisors(base_.run.training.global_batch_sequences / ps.data)) {
      if (!spec_.rule(Axis::kMicroBatches).admits(mb)) continue;
      ps.micro_batches = mb;
      for (const auto split : spec_.stage_split) {
        if (split == StageSplit::kAuto && ps.pipeline == 1) continue;  // one stage: nothing to balance
        ps.balance_stages = split == StageSplit::kAuto;
        for (const auto v : divisors(m_.total_layers())) {
          if (!spec_.rule(Axis::kVirtualStages).admits(v)) continue;
          if (v > 1 && (ps.pipeline < 2 || mb % ps.pipeline != 0 || ps.balance_stages)) continue;
          if (!ps.balance_stages && m_.total_layers() % (ps.pipeline * v) != 0) continue;
          ps.virtual_stages = v;
          rest(n, ps);
        }
      }
    }
  }

  void rest(std::int64_t n, ParallelismSpec ps) {
    // Without tensor parallelism there is no sequence to split.
    const std::vector<bool> modes = ps.tensor > 1 ? spec_.sequence_parallel : std::vector<bool>{false};
    for (const bool sp : modes) {
      ps.sequence_parallel = sp;
      for (int z = 0; z <= 3; ++z) {
        if (!spec_.rule(Axis::kZero).admits(z)) continue;
        ps.zero = z;
        for (const auto r : spec_.recompute)
          for (const bool overlap : ep_comm_modes(ps)) add({n, ps, r, overlap});
      }
    }
  }

  /// Merged forward-backward pairs hide all-to-alls: only with an expert group and two micro-batches or
  /// more to pair (one gives the same step).
  std::vector<bool> ep_comm_modes(const ParallelismSpec& ps) const {
    const std::vector<bool> modes =
        spec_.ep_comm.empty() ? std::vector<bool>{base_.run.simulation.overlap.ep_comm} : spec_.ep_comm;
    if (ps.expert > 1 && ps.micro_batches > 1) return modes;
    return {false};
  }

  void add(const Layout& layout) {
    sim::Scenario s = apply_layout(base_, layout);
    try {
      workloads::check_parallelism(s.run, layout.devices, root_);
    } catch (const ConfigError&) {
      ++rejected_;
      return;
    }
    out_.push_back(layout);
  }

  const sim::Scenario& base_;
  const YamlMap& root_;
  const PlanSpec& spec_;
  const workloads::ModelSpec& m_;
  std::vector<Layout> out_;
  std::size_t rejected_ = 0;
};

}  // namespace

std::string Layout::label(bool with_devices) const {
  const auto& p = parallelism;
  std::ostringstream o;
  o << "TP" << p.tensor << " PP" << p.pipeline << " EP" << p.expert;
  if (p.expert_tensor_degree() != p.tensor) o << " ETP" << p.expert_tensor_degree();
  o << " DP" << p.data << " mb" << p.micro_batches;
  if (p.virtual_stages > 1) o << " v" << p.virtual_stages;
  if (p.balance_stages) o << " auto-stages";
  o << " ZeRO-" << p.zero << " " << workloads::to_string(recompute);
  if (p.sequence_parallel) o << " SP";
  if (ep_comm) o << " ep-overlap";
  if (with_devices) o << " @" << devices;
  return o.str();
}

std::string Layout::short_label(bool with_devices) const {
  const auto& p = parallelism;
  static const char* kRecompute[] = {"none", "sel", "full"};
  std::ostringstream o;
  o << "T" << p.tensor << " P" << p.pipeline << " E" << p.expert;
  if (p.expert_tensor_degree() != p.tensor) o << "/" << p.expert_tensor_degree();
  o << " D" << p.data << " m" << p.micro_batches;
  if (p.virtual_stages > 1) o << " v" << p.virtual_stages;
  if (p.balance_stages) o << " auto";
  o << " Z" << p.zero << " " << kRecompute[static_cast<int>(recompute)];
  if (p.sequence_parallel) o << " SP";
  if (ep_comm) o << " ov";
  if (with_devices) o << " @" << devices;
  return o.str();
}

std::vector<std::string> Layout::overrides() const {
  const auto& p = parallelism;
  auto n = [](std::int64_t v) { return std::to_string(v); };
  std::vector<std::string> out{
      "cluster.devices=" + n(devices),
      "parallelism.data=" + n(p.data),
      "parallelism.expert=" + n(p.expert),
      "parallelism.tensor=" + n(p.tensor),
      "parallelism.expert_tensor=" + n(p.expert_tensor_degree()),
      "parallelism.pipeline=" + n(p.pipeline),
      "parallelism.micro_batches=" + n(p.micro_batches),
      "parallelism.virtual_stages=" + n(p.virtual_stages),
      "parallelism.zero=" + n(p.zero),
      std::string("parallelism.shard_weights=") + (p.zero == 3 ? "true" : "false"),
      std::string("parallelism.sequence_parallel=") + (p.sequence_parallel ? "true" : "false"),
      "training.recompute=" + std::string(workloads::to_string(recompute)),
      std::string("simulation.overlap.ep_comm=") + (ep_comm ? "true" : "false")};
  if (p.balance_stages) out.push_back("parallelism.stage_layers=auto");
  return out;
}

bool Layout::operator==(const Layout& o) const {
  const auto& a = parallelism;
  const auto& b = o.parallelism;
  return devices == o.devices && recompute == o.recompute && ep_comm == o.ep_comm && a.data == b.data &&
         a.expert == b.expert && a.tensor == b.tensor &&
         a.expert_tensor_degree() == b.expert_tensor_degree() && a.pipeline == b.pipeline &&
         a.micro_batches == b.micro_batches && a.virtual_stages == b.virtual_stages && a.zero == b.zero &&
         a.sequence_parallel == b.sequence_parallel && a.balance_stages == b.balance_stages &&
         a.stage_layers == b.stage_layers;
}

sim::Scenario apply_layout(const sim::Scenario& base, const Layout& layout) {
  sim::Scenario s = base;
  const auto placement = s.run.parallelism.expert_placement;
  s.run.parallelism = layout.parallelism;
  s.run.parallelism.expert_placement = placement;
  s.run.training.recompute = layout.recompute;
  s.run.simulation.overlap.ep_comm = layout.ep_comm;
  return s;
}

std::vector<Layout> enumerate_layouts(const sim::Scenario& base, const YamlMap& root, const PlanSpec& spec,
                                      std::size_t* rejected) {
  return Enumerator(base, root, spec).run(rejected);
}

}  // namespace moesim::plan
