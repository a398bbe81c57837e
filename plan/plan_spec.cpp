#include "plan/plan_spec.h"

#include <algorithm>
#include <sstream>

#include "workloads/config_error.h"

namespace moesim::plan {
namespace {

using workloads::Recompute;

/// `key: 8` or `key: [1, 2, 4]`, each value passing `bound`.
std::vector<std::int64_t> integer_or_list(const YamlMap& s, const std::string& key, Bound bound) {
  if (s.raw(key).IsSequence()) {
    auto values = s.integer_list(key, bound);
    if (values.empty()) s.fail(key, "expected at least one value");
    return values;
  }
  return {s.integer(key, bound)};
}

std::vector<Recompute> parse_recompute(const YamlMap& s) {
  const std::vector<std::string> names{"none", "selective", "full"};
  auto one = [&](const std::string& text) {
    const auto it = std::find(names.begin(), names.end(), text);
    if (it == names.end()) s.fail("recompute", "expected none, selective or full (or a list of them)");
    return static_cast<Recompute>(it - names.begin());
  };
  const YAML::Node node = s.raw("recompute");
  std::vector<Recompute> out;
  if (node.IsSequence()) {
    for (const auto& item : node) {
      if (!item.IsScalar()) s.fail("recompute", "expected a list of none, selective, full");
      out.push_back(one(item.as<std::string>()));
    }
  } else {
    out.push_back(one(s.string("recompute")));
  }
  if (out.empty()) s.fail("recompute", "expected at least one mode");
  return out;
}

template <typename T>
std::vector<T> one_or_both(const YamlMap& s, const std::string& key, const std::vector<std::string>& names,
                           const std::vector<std::vector<T>>& values) {
  const auto text = s.choice(key, names);
  return values[static_cast<std::size_t>(std::find(names.begin(), names.end(), text) - names.begin())];
}

}  // namespace

std::string_view to_string(Objective objective) {
  switch (objective) {
    case Objective::kTime:
      return "time";
    case Objective::kCost:
      return "cost";
    case Objective::kEnergy:
      return "energy";
  }
  return "time";
}

Objective parse_objective(const std::string& text, const std::string& file, const std::string& key) {
  for (auto o : {Objective::kTime, Objective::kCost, Objective::kEnergy})
    if (text == to_string(o)) return o;
  throw ConfigError(file, 0, key, "expected time, cost or energy, got '" + text + "'");
}

std::string_view axis_key(Axis axis) {
  switch (axis) {
    case Axis::kData:
      return "data";
    case Axis::kExpert:
      return "expert";
    case Axis::kTensor:
      return "tensor";
    case Axis::kPipeline:
      return "pipeline";
    case Axis::kMicroBatches:
      return "micro_batches";
    case Axis::kVirtualStages:
      return "virtual_stages";
    case Axis::kZero:
      return "zero";
  }
  return "";
}

bool AxisRule::admits(std::int64_t value) const {
  if (max && value > *max) return false;
  return allowed.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

PlanSpec parse_plan_section(const YamlMap& s) {
  PlanSpec p;
  std::vector<std::string> known{"objective",
                                 "top",
                                 "devices",
                                 "recompute",
                                 "sequence_parallel",
                                 "expert_tensor",
                                 "stage_layers",
                                 "tensor_within_node",
                                 "ep_comm"};
  if (s.has("objective"))
    p.objective = parse_objective(s.choice("objective", {"time", "cost", "energy"}), s.file(), "");
  p.top = static_cast<int>(s.optional_integer("top").value_or(p.top));
  if (s.has("devices")) p.devices = integer_or_list(s, "devices", Bound::kPositive);
  for (const Axis a : kAxes) {
    const std::string key(axis_key(a));
    known.push_back(key);
    const Bound bound = a == Axis::kZero ? Bound::kNonNegative : Bound::kPositive;
    if (s.has(key)) {
      p.rule(a).allowed = integer_or_list(s, key, bound);
      if (a == Axis::kZero)
        for (auto z : p.rule(a).allowed)
          if (z > 3) s.fail(key, "expected ZeRO stages 0, 1, 2 or 3, got " + std::to_string(z));
    }
    if (a == Axis::kZero) continue;
    known.push_back("max_" + key);
    p.rule(a).max = s.optional_integer("max_" + key);
  }
  if (s.has("recompute")) p.recompute = parse_recompute(s);
  if (s.has("sequence_parallel")) {
    const YAML::Node v = s.raw("sequence_parallel");
    if (v.IsScalar() && v.as<std::string>() == "both")
      p.sequence_parallel = {false, true};
    else
      p.sequence_parallel = {s.boolean("sequence_parallel")};
  }
  if (s.has("ep_comm"))
    p.ep_comm = one_or_both<bool>(s, "ep_comm", {"false", "true", "both"}, {{false}, {true}, {false, true}});
  if (s.has("expert_tensor"))
    p.fold_experts =
        one_or_both<bool>(s, "expert_tensor", {"tensor", "1", "both"}, {{false}, {true}, {false, true}});
  if (s.has("stage_layers"))
    p.stage_split = one_or_both<StageSplit>(
        s, "stage_layers", {"even", "auto", "both"},
        {{StageSplit::kEven}, {StageSplit::kAuto}, {StageSplit::kEven, StageSplit::kAuto}});
  p.tensor_within_node = s.optional_boolean("tensor_within_node").value_or(p.tensor_within_node);
  s.finish(known);
  return p;
}

std::string describe(const PlanSpec& spec) {
  std::ostringstream o;
  const char* sep = "";
  for (const Axis a : kAxes) {
    const auto& r = spec.rule(a);
    if (r.allowed.empty() && !r.max) continue;
    o << sep << axis_key(a);
    sep = "; ";
    if (!r.allowed.empty()) {
      o << (r.allowed.size() == 1 ? " = " : " in {");
      for (std::size_t i = 0; i < r.allowed.size(); ++i) o << (i ? ", " : "") << r.allowed[i];
      if (r.allowed.size() > 1) o << "}";
    }
    if (r.max) o << " <= " << *r.max;
  }
  o << sep << "recompute {";
  for (std::size_t i = 0; i < spec.recompute.size(); ++i)
    o << (i ? ", " : "") << workloads::to_string(spec.recompute[i]);
  o << "}";
  if (spec.tensor_within_node) o << "; tensor inside a node";
  if (spec.sequence_parallel.size() > 1) o << "; sequence parallelism on and off";
  if (spec.sequence_parallel == std::vector<bool>{false}) o << "; no sequence parallelism";
  if (spec.fold_experts == std::vector<bool>{false}) o << "; experts split over the tensor ranks";
  if (spec.fold_experts == std::vector<bool>{true}) o << "; expert groups folded into the tensor ranks";
  if (spec.ep_comm.size() > 1) o << "; all-to-all overlap on and off";
  if (spec.ep_comm == std::vector<bool>{true}) o << "; all-to-all overlap";
  if (spec.ep_comm == std::vector<bool>{false}) o << "; no all-to-all overlap";
  if (spec.stage_split.size() > 1) o << "; even and balanced stages";
  if (spec.stage_split == std::vector<StageSplit>{StageSplit::kAuto}) o << "; stages balanced by FLOPs";
  return o.str();
}

}  // namespace moesim::plan
