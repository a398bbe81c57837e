// moesim — choosing the dense reference's parallel layout and building its scenario.
#include "reports/dense_reference.h"

#include <sstream>

#include "topologies/cluster_spec.h"
#include "workloads/config_error.h"
#include "workloads/model_zoo.h"
#include "workloads/sections.h"
#include "workloads/yaml_reader.h"

namespace moesim::reports {
namespace {

/// Sequences per optimizer step from the scenario's `training` section.
std::int64_t batch_sequences(const YAML::Node& root, const std::string& file) {
  const workloads::TrainingSpec t =
      workloads::parse_training_section(YamlMap(root, file, "").map("training"));
  return t.global_batch_sequences;
}

std::string rule_text(const DenseLayout& l, int per_node, const DenseLayoutRequest& request) {
  std::ostringstream o;
  o << "Dense layout: tensor = accelerators per server (" << per_node
    << " here), lowered to divide the heads and the devices"
    << (request.tensor ? " [overridden by --against-tensor]" : "")
    << "; pipeline = the smallest power of two dividing the layers whose weights, gradients and optimizer "
       "state fit in HBM"
    << (request.pipeline ? " [overridden by --against-pipeline]" : "")
    << "; data = devices / (tensor × pipeline); expert = 1; micro-batches = the smallest divisor of the "
       "sequences per replica that is at least 4 × pipeline (1 without pipeline). Chosen: data "
    << l.data << ", tensor " << l.tensor << ", pipeline " << l.pipeline << ", micro-batches "
    << l.micro_batches << ".";
  return o.str();
}

}  // namespace

std::vector<DenseLayout> dense_layout_candidates(const YAML::Node& root, const std::string& file,
                                                 const std::string& against,
                                                 const DenseLayoutRequest& request) {
  const workloads::ModelSpec* model = workloads::find_model_preset(against);
  if (model == nullptr)
    throw ConfigError(file, 0, "--against",
                      "a model preset (" + workloads::model_preset_names() + "), got '" + against + "'");
  if (model->is_moe())
    throw ConfigError(file, 0, "--against", "a dense model preset, got the MoE preset '" + against + "'");
  const topologies::ClusterSpec cluster = topologies::parse_cluster(YamlMap(root, file, "").map("cluster"));
  const int devices = cluster.device_count();
  const int per_node =
      cluster.fabric == topologies::FabricType::kTorus ? cluster.torus.chips_per_host : cluster.node.gpus;
  const std::int64_t sequences = batch_sequences(root, file);
  const std::int64_t layers = model->total_layers();

  int tensor = request.tensor.value_or(std::max(1, per_node));
  if (request.tensor) {
    if (*request.tensor < 1 || model->n_heads % *request.tensor != 0 || devices % *request.tensor != 0)
      throw ConfigError(file, 0, "--against-tensor",
                        "a degree dividing the " + std::to_string(model->n_heads) + " heads and the " +
                            std::to_string(devices) + " devices, got " + std::to_string(*request.tensor));
  } else {
    while (tensor > 1 && (model->n_heads % tensor != 0 || devices % tensor != 0)) --tensor;
  }

  std::vector<int> pipelines;
  if (request.pipeline) {
    if (*request.pipeline < 1 || layers % *request.pipeline != 0)
      throw ConfigError(file, 0, "--against-pipeline",
                        "a degree dividing the " + std::to_string(layers) + " layers, got " +
                            std::to_string(*request.pipeline));
    pipelines.push_back(*request.pipeline);
  } else {
    for (int p = 1; p <= layers; p *= 2)
      if (layers % p == 0) pipelines.push_back(p);
  }

  std::vector<DenseLayout> out;
  for (const int p : pipelines) {
    if (devices % (tensor * p) != 0) continue;
    const int data = devices / (tensor * p);
    if (sequences % data != 0) continue;
    const std::int64_t per_replica = sequences / data;
    std::int64_t m = 1;
    if (p > 1) {
      m = per_replica;
      for (std::int64_t d = 4 * p; d <= per_replica; ++d)
        if (per_replica % d == 0) {
          m = d;
          break;
        }
    }
    DenseLayout l{data, tensor, p, static_cast<int>(m), ""};
    l.rule = rule_text(l, per_node, request);
    out.push_back(l);
  }
  if (out.empty())
    throw ConfigError(file, 0, request.pipeline ? "--against-pipeline" : "--against-tensor",
                      "a dense layout where tensor (" + std::to_string(tensor) +
                          ") × pipeline divides the devices (" + std::to_string(devices) +
                          ") and data divides the batch's " + std::to_string(sequences) +
                          " sequences; none exists, set --against-tensor / --against-pipeline");
  return out;
}

YAML::Node dense_scenario(const YAML::Node& root, const std::string& against, const DenseLayout& layout) {
  YAML::Node dense = YAML::Clone(root);
  YAML::Node model(YAML::NodeType::Map);
  model["preset"] = against;
  dense["model"] = model;
  YAML::Node par(YAML::NodeType::Map);
  par["data"] = layout.data;
  par["tensor"] = layout.tensor;
  par["pipeline"] = layout.pipeline;
  par["expert"] = 1;
  par["micro_batches"] = layout.micro_batches;
  dense["parallelism"] = par;
  if (dense["simulation"] && dense["simulation"].IsMap() && dense["simulation"]["routing"])
    dense["simulation"].remove("routing");
  dense["name"] = against + "-dense-reference";
  return dense;
}

}  // namespace moesim::reports
