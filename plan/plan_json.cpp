#include "plan/plan_json.h"

#include "workloads/config_error.h"

namespace moesim::plan {
namespace {

using sim::Activity;

/// simulate --json's breakdown keys, in Activity order.
constexpr std::array<const char*, sim::kActivityCount> kBreakdownKeys{
    "compute_s", "memory_bound_s", "exposed_a2a_s", "exposed_allreduce_s", "pipeline_p2p_s", "idle_s"};

template <typename T>
nlohmann::json or_null(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::optional<double> optional_number(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return j.at(key).get<double>();
}

workloads::Recompute recompute_of(const std::string& text, const std::string& source) {
  for (auto r : {workloads::Recompute::kNone, workloads::Recompute::kSelective, workloads::Recompute::kFull})
    if (text == workloads::to_string(r)) return r;
  throw ConfigError(source, 0, "recompute", "expected none, selective or full, got '" + text + "'");
}

}  // namespace

nlohmann::json layout_json(const Layout& layout) {
  const auto& p = layout.parallelism;
  return {{"label", layout.label()},
          {"devices", layout.devices},
          {"parallelism",
           {{"data", p.data},
            {"expert", p.expert},
            {"tensor", p.tensor},
            {"expert_tensor", p.expert_tensor_degree()},
            {"pipeline", p.pipeline},
            {"micro_batches", p.micro_batches},
            {"virtual_stages", p.virtual_stages},
            {"zero", p.zero},
            {"sequence_parallel", p.sequence_parallel},
            {"stage_layers", p.balance_stages ? "auto" : "even"}}},
          {"recompute", std::string(workloads::to_string(layout.recompute))},
          {"ep_comm", layout.ep_comm}};
}

Layout layout_from_json(const nlohmann::json& j, const std::string& source) {
  try {
    Layout l;
    l.devices = j.at("devices").get<std::int64_t>();
    const auto& p = j.at("parallelism");
    auto& s = l.parallelism;
    s.data = p.at("data").get<std::int64_t>();
    s.expert = p.at("expert").get<std::int64_t>();
    s.tensor = p.at("tensor").get<std::int64_t>();
    // Written since plans could fold the expert group; 0 (follow tensor) for older documents.
    s.expert_tensor = p.value("expert_tensor", std::int64_t{0});
    if (s.expert_tensor == s.tensor) s.expert_tensor = 0;
    s.pipeline = p.at("pipeline").get<std::int64_t>();
    s.micro_batches = p.at("micro_batches").get<std::int64_t>();
    s.virtual_stages = p.at("virtual_stages").get<std::int64_t>();
    s.zero = p.at("zero").get<int>();
    s.sequence_parallel = p.at("sequence_parallel").get<bool>();
    s.balance_stages = p.at("stage_layers").get<std::string>() == "auto";
    l.recompute = recompute_of(j.at("recompute").get<std::string>(), source);
    l.ep_comm = j.value("ep_comm", false);  // written since plans could search it
    return l;
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(source, 0, "layouts", std::string("a malformed layout record: ") + e.what());
  }
}

nlohmann::json outcome_json(const LayoutOutcome& o) {
  nlohmann::json j = layout_json(o.layout);
  j["ok"] = o.ok;
  if (!o.ok) {
    j["error_kind"] = o.error_kind;
    j["error"] = o.error;
    return j;
  }
  const auto& m = o.memory;
  j["step_time_s"] = o.step_time_s;
  j["mfu"] = o.mfu;
  j["tokens_per_s"] = o.tokens_per_s;
  j["memory_bytes_per_device"] = m.total_bytes();
  j["memory_breakdown_bytes_per_device"] = {{"weights", m.weights_bytes},
                                            {"gradients", m.gradients_bytes},
                                            {"optimizer_state", m.optimizer_state_bytes},
                                            {"activations", m.activations_bytes},
                                            {"buffers", m.buffers_bytes}};
  j["hbm_bytes"] = o.hbm_bytes;
  auto at = [&](Activity a) { return o.breakdown_s[static_cast<std::size_t>(a)]; };
  j["exposed_s"] = {{"all_to_all", at(Activity::kAllToAll)},
                    {"all_reduce", at(Activity::kAllReduce)},
                    {"pipeline_p2p", at(Activity::kPipelineP2p)},
                    {"total", o.exposed_comm_s()}};
  nlohmann::json b;
  for (std::size_t i = 0; i < sim::kActivityCount; ++i) b[kBreakdownKeys[i]] = o.breakdown_s[i];
  j["breakdown_s"] = b;
  j["energy_j_per_step"] = o.energy_j_per_step;
  j["accelerator_hours_per_step"] = o.accelerator_hours_per_step;
  j["cost_usd_per_step"] = or_null(o.cost_usd_per_step);
  j["cost_usd_run"] = or_null(o.cost_usd_run);
  j["time_to_train_s"] = or_null(o.time_to_train_s);
  j["energy_mwh_run"] = or_null(o.energy_mwh_run);
  j["simulator_wall_s"] = o.simulator_wall_s;
  return j;
}

LayoutOutcome outcome_from_json(const nlohmann::json& j, const std::string& source) {
  LayoutOutcome o;
  o.layout = layout_from_json(j, source);
  try {
    o.ok = j.at("ok").get<bool>();
    if (!o.ok) {
      o.error_kind = j.at("error_kind").get<std::string>();
      o.error = j.at("error").get<std::string>();
      return o;
    }
    o.step_time_s = j.at("step_time_s").get<double>();
    o.mfu = j.at("mfu").get<double>();
    o.tokens_per_s = j.at("tokens_per_s").get<double>();
    const auto& m = j.at("memory_breakdown_bytes_per_device");
    o.memory = {m.at("weights").get<double>(), m.at("gradients").get<double>(),
                m.at("optimizer_state").get<double>(), m.at("activations").get<double>(),
                m.at("buffers").get<double>()};
    o.hbm_bytes = j.at("hbm_bytes").get<double>();
    for (std::size_t i = 0; i < sim::kActivityCount; ++i)
      o.breakdown_s[i] = j.at("breakdown_s").at(kBreakdownKeys[i]).get<double>();
    o.energy_j_per_step = j.at("energy_j_per_step").get<double>();
    o.accelerator_hours_per_step = j.at("accelerator_hours_per_step").get<double>();
    o.cost_usd_per_step = optional_number(j, "cost_usd_per_step");
    o.cost_usd_run = optional_number(j, "cost_usd_run");
    o.time_to_train_s = optional_number(j, "time_to_train_s");
    o.energy_mwh_run = optional_number(j, "energy_mwh_run");
    o.simulator_wall_s = j.at("simulator_wall_s").get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(source, 0, "layouts", std::string("a malformed layout record: ") + e.what());
  }
  return o;
}

}  // namespace moesim::plan
