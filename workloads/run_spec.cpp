#include "workloads/run_spec.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "workloads/limits.h"
#include "workloads/model_section.h"
#include "workloads/sections.h"

namespace moesim::workloads {
namespace {

std::string n(std::int64_t v) {
  return std::to_string(v);
}

/// Throws a ConfigError for `section.key`, at the key's line when the section exists.
[[noreturn]] void fail_at(const YamlMap& root, const std::string& section, const std::string& key,
                          const std::string& expected) {
  if (root.has(section)) {
    const YamlMap s(root.raw(section), root.file(), root.key_path(section));
    s.fail(key, expected);
  }
  throw ConfigError(root.file(), root.line_of(section), root.key_path(section) + "." + key, expected);
}

// Stages, virtual stages and explicit stage sizes against the model's layers and the micro-batches.
void check_pipeline(const RunSpec& run, const YamlMap& root) {
  const ParallelismSpec& p = run.parallelism;
  const std::int64_t layers = run.model.step_layers();  // multi-token-prediction modules included
  if (p.virtual_stages > 1 && p.pipeline < 2)
    fail_at(root, "parallelism", "virtual_stages", "interleaving needs parallelism.pipeline > 1");
  if (p.virtual_stages > 1 && p.micro_batches % p.pipeline != 0)
    fail_at(root, "parallelism", "virtual_stages",
            "the interleaved schedule needs parallelism.micro_batches (" + n(p.micro_batches) +
                ") to be a multiple of parallelism.pipeline (" + n(p.pipeline) +
                "), as Megatron-LM requires");
  if (!p.stage_layers.empty()) {
    // One count per virtual stage, in the order the layers run through them: with interleaving, stages 0
    // to p - 1 of the first chunk, then of the second, ... (as Megatron-LM's pipeline layout lists them).
    const std::int64_t chunks = p.pipeline * p.virtual_stages;
    std::int64_t sum = 0;
    for (auto l : p.stage_layers) sum += l;
    if (static_cast<std::int64_t>(p.stage_layers.size()) != chunks || sum != layers)
      fail_at(root, "parallelism", "stage_layers",
              "expected " + n(chunks) +
                  (p.virtual_stages > 1 ? " layer counts (one per virtual stage: stages 0 to " +
                                              n(p.pipeline - 1) + " of the first chunk, then of the next)"
                                        : " layer counts (one per stage)") +
                  " adding up to the model's " + n(layers) + " layers, or auto");
    return;
  }
  if (p.balance_stages) {
    if (layers < p.pipeline)
      fail_at(root, "parallelism", "pipeline", "more stages than the model has layers");
    if (p.virtual_stages > 1)
      fail_at(root, "parallelism", "stage_layers", "auto cannot be combined with virtual_stages > 1");
    return;
  }
  const std::int64_t chunks = p.pipeline * p.virtual_stages;
  if (layers % chunks != 0)
    fail_at(root, "parallelism", p.virtual_stages > 1 ? "virtual_stages" : "pipeline",
            "expected pipeline x virtual_stages (" + n(chunks) + ") to divide the model's layer count (" +
                n(layers) + "); or give parallelism.stage_layers");
}

/// Rejects a step graph too large to build and schedule in about a minute (estimated before it exists).
void check_step_size(const RunSpec& run, const YamlMap& root) {
  const ParallelismSpec& p = run.parallelism;
  const double simulated =
      run.model.is_moe() ? static_cast<double>(std::min(p.expert, run.model.experts)) : 1.0;
  const double ops = simulated * static_cast<double>(run.model.total_layers()) *
                     static_cast<double>(p.micro_batches) * limits::kOpsPerLayerBound;
  const double pairs =
      static_cast<double>(p.pipeline) * static_cast<double>(p.expert) * static_cast<double>(p.expert);
  if (run.model.is_moe() && pairs > limits::kMaxAllToAllPairs) {
    std::ostringstream msg;
    msg << "the all-to-alls would be priced over " << pairs << " device pairs (parallelism.pipeline "
        << p.pipeline << " x parallelism.expert " << p.expert << "^2), more than the "
        << limits::kMaxAllToAllPairs
        << " moesim prices in reasonable time; lower parallelism.expert or parallelism.pipeline";
    fail_at(root, "parallelism", p.pipeline > 1 ? "pipeline" : "expert", msg.str());
  }
  if (ops > limits::kMaxStepOps) {
    std::ostringstream msg;
    msg << "the step graph would hold about " << ops << " ops (" << simulated
        << " simulated devices per stage x " << run.model.total_layers() << " layers x " << p.micro_batches
        << " micro-batches x " << limits::kOpsPerLayerBound << "), more than the " << limits::kMaxStepOps
        << " moesim builds; lower parallelism.micro_batches, parallelism.expert or the model's layers";
    fail_at(root, "parallelism", p.micro_batches > 1 ? "micro_batches" : "expert", msg.str());
  }
}

/// Each named recompute module must exist in the model: an LSTM's selective recomputation is its own
/// (the experts' hidden layers), MLA's up-projections need MLA, the MoE modules an MoE model.
void check_recompute_modules(const RunSpec& run, const YamlMap& training) {
  if (!training.has("recompute_modules")) return;
  const ModelSpec& m = run.model;
  auto named = [&](RecomputeModule module) { return run.training.recomputes(module); };
  auto fail = [&](RecomputeModule module, const std::string& why) {
    training.fail("recompute_modules",
                  std::string(kRecomputeModuleNames[static_cast<int>(module)]) + " " + why);
  };
  if (m.is_lstm())
    training.fail("recompute_modules",
                  "does not apply to an LSTM model: its selective recomputation re-runs the experts' hidden "
                  "layers (Shazeer et al. 2017 App. D)");
  if (named(RecomputeModule::kMlaUpProj) && !m.is_mla())
    fail(RecomputeModule::kMlaUpProj, "needs multi-head latent attention: model '" + m.name + "' has none");
  for (auto module : {RecomputeModule::kMoeAct, RecomputeModule::kMoe, RecomputeModule::kSharedExperts}) {
    if (named(module) && !m.is_moe()) fail(module, "needs an MoE model: model '" + m.name + "' is dense");
  }
  if (named(RecomputeModule::kSharedExperts) && m.shared_experts == 0)
    fail(RecomputeModule::kSharedExperts, "needs shared experts: model '" + m.name + "' has none");
}

}  // namespace

RunSpec parse_run_spec(const YamlMap& root) {
  RunSpec run;
  run.file = root.file();
  run.name = root.optional_string("name").value_or(std::filesystem::path(root.file()).stem().string());
  const YamlMap model = root.map("model");
  run.model = parse_model_section(model);
  run.parallelism = parse_parallelism_section(root.map("parallelism"));
  run.training = parse_training_section(root.map("training"));
  check_recompute_modules(run, root.map("training"));
  if (auto s = root.optional_map("simulation")) {
    run.simulation = parse_simulation_section(*s);
    const auto& h = run.simulation.routing.histogram;
    if (!h.empty() && static_cast<std::int64_t>(h.size()) != run.model.experts) {
      const YamlMap routing = s->map("routing");
      routing.fail("histogram", "expected one weight per expert: model.experts is " + n(run.model.experts) +
                                    ", the histogram has " + n(static_cast<std::int64_t>(h.size())));
    }
  }
  if (auto s = root.optional_map("energy")) run.energy = parse_energy_section(*s);
  if (auto s = root.optional_map("cost")) run.cost = parse_cost_section(*s);
  if (auto s = root.optional_map("compute")) run.compute = parse_compute_section(*s);
  if (root.has("cluster")) root.raw("cluster");  // read by topologies/ from the same root
  if (root.has("plan")) root.raw("plan");        // read by plan/ (`moesim plan`) from the same root
  root.finish({"name", "model", "cluster", "parallelism", "training", "simulation", "energy", "cost",
               "compute", "plan"});
  return run;
}

void check_parallelism(const RunSpec& run, std::int64_t device_count, const YamlMap& root) {
  const ParallelismSpec& p = run.parallelism;
  const ModelSpec& m = run.model;
  if (p.devices() != device_count) {
    fail_at(root, "parallelism", "data",
            "data (" + n(p.data) + ") x tensor (" + n(p.tensor) + ") x pipeline (" + n(p.pipeline) +
                ") = " + n(p.devices()) + " devices, but the cluster has " + n(device_count) +
                "; the degrees must multiply to the device count");
  }
  const std::int64_t etp = p.expert_tensor_degree();
  if (p.expert_tensor > 0 && (p.tensor * p.data) % (p.expert * p.expert_tensor) != 0) {
    fail_at(root, "parallelism", "expert_tensor",
            "expert (" + n(p.expert) + ") x expert_tensor (" + n(p.expert_tensor) +
                ") must divide tensor x data (" + n(p.tensor * p.data) +
                "): the MoE layers fold a stage's tensor x data devices into expert-tensor x expert x "
                "expert-data groups; got " +
                n(p.expert * p.expert_tensor));
  }
  if (p.expert_tensor == 0 && p.data % p.expert != 0) {
    fail_at(root, "parallelism", "expert",
            "expected a divisor of parallelism.data (" + n(p.data) +
                "): the expert-parallel group lives inside "
                "the data-parallel group (or set parallelism.expert_tensor to fold tensor ranks into it); "
                "got " +
                n(p.expert));
  }
  if (p.expert_tensor > 1 && !m.is_moe()) {
    fail_at(root, "parallelism", "expert_tensor", "expected 1: model '" + m.name + "' is dense (no experts)");
  }
  if (m.is_moe() && p.expert_tensor > 1 && m.expert_d_ff % etp != 0) {
    fail_at(root, "parallelism", "expert_tensor",
            "expected a divisor of the experts' d_ff (" + n(m.expert_d_ff) + "), got " + n(etp));
  }
  if (p.expert > 1 && !m.is_moe()) {
    fail_at(root, "parallelism", "expert", "expected 1: model '" + m.name + "' is dense (no experts)");
  }
  if (m.is_moe() && m.experts % p.expert != 0 && p.expert % m.experts != 0) {
    fail_at(root, "parallelism", "expert",
            "model.experts (" + n(m.experts) + ") must divide over the expert-parallel group (" +
                n(p.expert) +
                "): either experts % expert == 0 (whole experts per device) or expert % experts == 0 (each "
                "expert sharded)");
  }
  if (m.is_lstm() && p.tensor > 1) {
    fail_at(root, "parallelism", "tensor",
            "expected 1: moesim does not split LSTM layers over tensor ranks (Shazeer et al. 2017 ran them "
            "data-parallel)");
  }
  if (!m.is_lstm() && m.n_heads % p.tensor != 0) {
    fail_at(root, "parallelism", "tensor",
            "expected a divisor of model.n_heads (" + n(m.n_heads) + "), got " + n(p.tensor));
  }
  check_pipeline(run, root);
  const std::int64_t slices = p.data * p.micro_batches;
  if (run.training.global_batch_sequences % slices != 0) {
    fail_at(root, "training", std::string(run.training.batch_key()),
            "the global batch (" + n(run.training.global_batch_sequences) +
                " sequences) must divide evenly over parallelism.data x parallelism.micro_batches (" +
                n(slices) + ")");
  }
  check_step_size(run, root);
  for (std::int64_t d : run.simulation.trace_devices) {
    if (d >= device_count) {
      fail_at(root, "simulation", "trace_devices",
              "device " + n(d) + " does not exist: the cluster has devices 0.." + n(device_count - 1));
    }
  }
}

}  // namespace moesim::workloads
