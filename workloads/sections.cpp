#include "workloads/sections.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "workloads/limits.h"

namespace moesim::workloads {
namespace {

/// `training.recompute_modules`: a list of RecomputeModule names, only with recompute: selective.
std::uint32_t parse_recompute_modules(const YamlMap& s, Recompute recompute) {
  std::string names;
  for (auto n : kRecomputeModuleNames) names += (names.empty() ? "" : ", ") + std::string(n);
  if (recompute != Recompute::kSelective)
    s.fail("recompute_modules", "only applies with training.recompute: selective");
  const YAML::Node node = s.raw("recompute_modules");
  const std::string expected = "expected a list of modules to recompute, from " + names;
  if (!node.IsSequence() || node.size() == 0) s.fail("recompute_modules", expected);
  std::uint32_t mask = 0;
  for (const auto& item : node) {
    const std::string name = item.IsScalar() ? item.as<std::string>() : "";
    const auto* end = std::end(kRecomputeModuleNames);
    const auto* it = std::find(std::begin(kRecomputeModuleNames), end, name);
    if (it == end) s.fail("recompute_modules", expected + ", got '" + name + "'");
    mask |= 1U << static_cast<unsigned>(it - std::begin(kRecomputeModuleNames));
  }
  return mask;
}

}  // namespace

ParallelismSpec parse_parallelism_section(const YamlMap& s) {
  ParallelismSpec p;
  p.data = s.integer("data", Bound::kPositive, limits::kMaxDevices);
  p.expert = s.optional_integer("expert", Bound::kPositive, limits::kMaxExpertGroup).value_or(1);
  p.tensor = s.optional_integer("tensor", Bound::kPositive, limits::kMaxDevices).value_or(1);
  p.expert_tensor = s.optional_integer("expert_tensor", Bound::kPositive, limits::kMaxDevices).value_or(0);
  p.pipeline = s.optional_integer("pipeline", Bound::kPositive, limits::kMaxDevices).value_or(1);
  if (p.pipeline > 1 && !s.has("micro_batches")) {
    s.fail("micro_batches",
           "is required when parallelism.pipeline > 1 (micro-batches per step per pipeline)");
  }
  p.micro_batches =
      s.optional_integer("micro_batches", Bound::kPositive, limits::kMaxMicroBatches).value_or(1);
  if (auto v = s.optional_choice("expert_placement", {"contiguous", "round-robin"})) {
    p.expert_placement = *v == "contiguous" ? ExpertPlacement::kContiguous : ExpertPlacement::kRoundRobin;
  }
  // shard_weights: true is the older spelling of zero: 3.
  const auto shard = s.optional_boolean("shard_weights");
  const auto zero = s.optional_integer("zero", Bound::kNonNegative);
  if (zero && *zero > 3) s.fail("zero", "expected a ZeRO stage 0, 1, 2 or 3, got " + std::to_string(*zero));
  if (zero && shard && (*zero == 3) != *shard)
    s.fail("shard_weights", "contradicts parallelism.zero (shard_weights: true means zero: 3); give one");
  p.zero = static_cast<int>(zero.value_or(shard.value_or(false) ? 3 : 0));
  p.sequence_parallel = s.optional_boolean("sequence_parallel").value_or(false);
  p.virtual_stages = s.optional_integer("virtual_stages").value_or(1);
  if (s.has("stage_layers")) {
    if (s.raw("stage_layers").IsScalar() && s.raw("stage_layers").as<std::string>() == "auto")
      p.balance_stages = true;
    else
      p.stage_layers = s.integer_list("stage_layers", Bound::kPositive);
  }
  s.finish({"data", "expert", "tensor", "expert_tensor", "pipeline", "micro_batches", "expert_placement",
            "shard_weights", "zero", "sequence_parallel", "virtual_stages", "stage_layers"});
  return p;
}

TrainingSpec parse_training_section(const YamlMap& s) {
  TrainingSpec t;
  const bool tokens = s.has("global_batch_tokens");
  const bool sequences = s.has("global_batch_sequences");
  if (tokens && sequences) {
    s.fail("global_batch_sequences",
           "give the global batch either in tokens (global_batch_tokens) or in "
           "sequences (global_batch_sequences), not both");
  }
  if (!tokens && !sequences) {
    s.fail("global_batch_tokens", "is required (or global_batch_sequences): the global batch per step");
  }
  t.sequence_length = s.integer("sequence_length", Bound::kPositive, limits::kMaxSequenceLength);
  const auto max_tokens = static_cast<std::int64_t>(limits::kMaxTokensPerStep);
  t.batch_given_in_tokens = tokens;
  if (tokens) {
    t.global_batch_tokens = s.integer("global_batch_tokens", Bound::kPositive, max_tokens);
    if (t.global_batch_tokens % t.sequence_length != 0) {
      s.fail("global_batch_tokens",
             "expected a whole number of sequences: " + std::to_string(t.global_batch_tokens) +
                 " tokens is not a multiple of "
                 "training.sequence_length (" +
                 std::to_string(t.sequence_length) + ")");
    }
    t.global_batch_sequences = t.global_batch_tokens / t.sequence_length;
  } else {
    t.global_batch_sequences = s.integer("global_batch_sequences", Bound::kPositive, max_tokens);
    if (static_cast<double>(t.global_batch_sequences) * static_cast<double>(t.sequence_length) >
        limits::kMaxTokensPerStep) {
      s.fail("global_batch_sequences", "expected at most " + std::to_string(max_tokens) +
                                           " tokens per step: " + std::to_string(t.global_batch_sequences) +
                                           " sequences x " + std::to_string(t.sequence_length) +
                                           " tokens is more (larger batches are beyond what moesim models)");
    }
    t.global_batch_tokens = t.global_batch_sequences * t.sequence_length;
  }
  t.total_tokens =
      s.optional_quantity("total_tokens", Unit::kCount, Bound::kPositive, limits::kMaxTotalTokens);
  const auto format = [](const std::string& p) {
    return p == "fp32"   ? Precision::kFp32
           : p == "bf16" ? Precision::kBf16
           : p == "fp16" ? Precision::kFp16
                         : Precision::kFp8;
  };
  t.precision = format(s.choice("precision", {"fp32", "bf16", "fp16", "fp8"}));
  if (auto d = s.optional_choice("dispatch_precision", {"fp32", "bf16", "fp16", "fp8"}))
    t.dispatch_precision = format(*d);
  t.matmul_precision = s.optional_choice("matmul_precision", {"fp32", "tf32", "bf16", "fp16", "fp8", "int8"});
  if (auto r = s.optional_choice("fp8_recipe", {"delayed", "current", "blockwise"})) {
    t.fp8_recipe = *r == "current"     ? Fp8Recipe::kCurrent
                   : *r == "blockwise" ? Fp8Recipe::kBlockwise
                                       : Fp8Recipe::kDelayed;
  }
  // true / false are the older spelling of full / none.
  const auto recompute = s.optional_choice("recompute", {"none", "selective", "full", "true", "false"});
  if (recompute == "selective") t.recompute = Recompute::kSelective;
  if (recompute == "full" || recompute == "true") t.recompute = Recompute::kFull;
  if (s.has("recompute_modules")) t.recompute_modules = parse_recompute_modules(s, t.recompute);
  if (auto v = s.optional_choice("optimizer", {"adam", "adafactor"})) {
    t.optimizer = *v == "adam" ? Optimizer::kAdam : Optimizer::kAdafactor;
  }
  s.finish({"global_batch_tokens", "global_batch_sequences", "sequence_length", "total_tokens", "precision",
            "matmul_precision", "dispatch_precision", "fp8_recipe", "recompute", "recompute_modules",
            "optimizer"});
  return t;
}

namespace {

RoutingSpec parse_routing(const YamlMap& r) {
  RoutingSpec out;
  const std::string d =
      r.optional_choice("distribution", {"uniform", "zipf", "histogram"}).value_or("uniform");
  out.distribution = d == "uniform" ? RoutingDistribution::kUniform
                     : d == "zipf"  ? RoutingDistribution::kZipf
                                    : RoutingDistribution::kHistogram;
  if (out.distribution == RoutingDistribution::kZipf) {
    out.zipf_s = r.quantity("zipf_s", Unit::kCount, Bound::kPositive, limits::kMaxZipfExponent);
  } else if (r.has("zipf_s")) {
    r.fail("zipf_s", "only applies with distribution: zipf");
  }
  if (out.distribution == RoutingDistribution::kHistogram) {
    if (!r.has("histogram")) r.fail("histogram", "is required with distribution: histogram");
    const YAML::Node h = r.raw("histogram");
    const std::string expected = "expected a list of non-negative weights, one per expert, e.g. [4, 1, 1, 2]";
    if (!h.IsSequence() || h.size() == 0) r.fail("histogram", expected);
    if (h.size() > static_cast<std::size_t>(limits::kMaxExperts))
      r.fail("histogram", "expected one weight per expert");
    double sum = 0;
    for (const auto& item : h) {
      auto v = item.IsScalar() ? parse_quantity(item.as<std::string>(), Unit::kCount) : std::nullopt;
      if (!v || *v < 0) r.fail("histogram", expected);
      if (*v > limits::kMaxHistogramWeight) {
        r.fail("histogram",
               "expected weights of at most 1e15 (only their ratios matter), got " + item.as<std::string>());
      }
      out.histogram.push_back(*v);
      sum += *v;
    }
    if (!(sum > 0)) r.fail("histogram", "expected at least one weight greater than zero");
  } else if (r.has("histogram")) {
    r.fail("histogram", "only applies with distribution: histogram");
  }
  if (auto seed = r.optional_integer("seed", Bound::kNonNegative))
    out.seed = static_cast<std::uint64_t>(*seed);
  if (r.has("logit_std"))
    out.logit_std = r.quantity("logit_std", Unit::kCount, Bound::kPositive, limits::kMaxRouterLogitStd);
  r.finish({"distribution", "zipf_s", "histogram", "seed", "logit_std"});
  return out;
}

OverlapSpec parse_overlap(const YamlMap& o) {
  OverlapSpec out;
  out.grad_reduce = o.optional_boolean("grad_reduce").value_or(out.grad_reduce);
  out.tp_comm = o.optional_boolean("tp_comm").value_or(out.tp_comm);
  out.param_gather = o.optional_boolean("param_gather").value_or(out.param_gather);
  out.ep_comm = o.optional_boolean("ep_comm").value_or(out.ep_comm);
  o.finish({"grad_reduce", "tp_comm", "param_gather", "ep_comm"});
  return out;
}

}  // namespace

SimulationSpec parse_simulation_section(const YamlMap& s) {
  SimulationSpec out;
  if (auto b = s.optional_choice("backend", {"analytic", "ptask", "flow"})) {
    out.backend = *b == "analytic" ? Backend::kAnalytic : *b == "ptask" ? Backend::kPtask : Backend::kFlow;
  }
  if (auto r = s.optional_map("routing")) out.routing = parse_routing(*r);
  if (s.has("trace_devices"))
    out.trace_devices = s.integer_list("trace_devices", Bound::kNonNegative, limits::kMaxDevices);
  if (s.has("steps")) {
    s.fail("steps",
           "is not a setting: moesim simulates one representative training step; give training.total_tokens "
           "for the time, energy and cost of a whole run");
  }
  out.padded_dispatch =
      s.optional_choice("dispatch", {"dropless", "padded"}).value_or("dropless") == "padded";
  if (auto o = s.optional_map("overlap")) out.overlap = parse_overlap(*o);
  out.grad_bucket_bytes = s.optional_quantity("grad_bucket", Unit::kBytes).value_or(out.grad_bucket_bytes);
  if (auto a = s.optional_choice("all_to_all", {"auto", "direct", "pairwise", "hierarchical"})) {
    out.all_to_all = *a == "direct"         ? AllToAllAlgorithm::kDirect
                     : *a == "pairwise"     ? AllToAllAlgorithm::kPairwise
                     : *a == "hierarchical" ? AllToAllAlgorithm::kHierarchical
                                            : AllToAllAlgorithm::kAuto;
  }
  out.node_forwarding_dispatch =
      s.optional_choice("token_dispatcher", {"alltoall", "deepep"}).value_or("alltoall") == "deepep";
  s.finish({"backend", "routing", "trace_devices", "dispatch", "overlap", "grad_bucket", "all_to_all",
            "token_dispatcher"});
  return out;
}

namespace {

double grid_intensity(const YamlMap& s, EnergySpec& e) {
  const auto region = s.optional_string("grid_region");
  if (region.has_value() == s.has("grid_kgco2e_per_kwh"))
    s.fail(region ? "grid_region" : "grid_kgco2e_per_kwh",
           "give exactly one of grid_kgco2e_per_kwh (a number) and grid_region (a named grid)");
  if (!region)
    return s.quantity("grid_kgco2e_per_kwh", Unit::kCount, Bound::kNonNegative, limits::kMaxGridKgPerKwh);
  const auto* g = find_grid_region(*region);
  if (g == nullptr) {
    std::string names;
    for (const auto& r : grid_regions()) names += (names.empty() ? "" : ", ") + std::string(r.name);
    s.fail("grid_region", "one of " + names + ", got '" + *region + "'");
  }
  e.grid_region = g->name;
  return g->kgco2e_per_kwh;
}

ChipPowerOverride parse_chip_power(const YamlMap& c) {
  ChipPowerOverride o;
  o.compute_bound_w = c.optional_quantity("compute_bound", Unit::kPower);
  o.memory_bound_w = c.optional_quantity("memory_bound", Unit::kPower);
  o.communication_w = c.optional_quantity("communication", Unit::kPower);
  o.idle_w = c.optional_quantity("idle", Unit::kPower, Bound::kNonNegative);
  c.finish({"compute_bound", "memory_bound", "communication", "idle"});
  return o;
}

}  // namespace

EnergySpec parse_energy_section(const YamlMap& s) {
  EnergySpec e;
  e.present = true;
  e.pue = s.quantity("pue", Unit::kCount, Bound::kPositive, limits::kMaxPue);
  if (e.pue < 1.0)
    s.fail("pue", "expected a PUE of at least 1.0 (facility power / IT power), got " + std::to_string(e.pue));
  e.grid_kgco2e_per_kwh = grid_intensity(s, e);
  e.system_power_w_per_accelerator = s.optional_quantity("system_power_w_per_accelerator", Unit::kPower);
  const auto watts = [&](const char* key) {
    return s.optional_quantity(key, Unit::kPower, Bound::kNonNegative);
  };
  e.host_power_w_per_node = watts("host_power_w_per_node");
  e.nic_power_w_per_port = watts("nic_power_w_per_port");
  e.node_switch_power_w = watts("node_switch_power_w");
  e.switch_power_w = watts("switch_power_w");
  e.switch_port_power_w = watts("switch_port_power_w");
  if (auto c = s.optional_map("chip_power")) e.chip_power = parse_chip_power(*c);
  e.embodied_kgco2e_per_accelerator_hour =
      s.optional_quantity("embodied_kgco2e_per_accelerator_hour", Unit::kCount, Bound::kNonNegative,
                          limits::kMaxEmbodiedKgPerAcceleratorHour);
  s.finish({"pue", "grid_kgco2e_per_kwh", "grid_region", "system_power_w_per_accelerator",
            "host_power_w_per_node", "nic_power_w_per_port", "node_switch_power_w", "switch_power_w",
            "switch_port_power_w", "chip_power", "embodied_kgco2e_per_accelerator_hour"});
  return e;
}

CostSpec parse_cost_section(const YamlMap& s) {
  CostSpec c;
  c.present = true;
  c.usd_per_accelerator_hour = s.quantity("usd_per_accelerator_hour", Unit::kCount, Bound::kNonNegative,
                                          limits::kMaxUsdPerAcceleratorHour);
  s.finish({"usd_per_accelerator_hour"});
  return c;
}

}  // namespace moesim::workloads
