// moesim — the dense reference of a comparison: the same scenario with a dense model and a dense layout.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "reports/comparison.h"

namespace moesim::reports {

/// What the user fixed of the dense layout (`--against-tensor`, `--against-pipeline`); unset = rule.
struct DenseLayoutRequest {
  std::optional<int> tensor;
  std::optional<int> pipeline;
};

/// The dense layouts to try, best first, for the dense preset `against` on the cluster and training budget of
/// `root` (a scenario after its overrides; `file` for messages). The rule (Megatron-LM practice, Narayanan et
/// al. 2021 §3.3: tensor parallelism inside a server, pipeline across servers, data parallelism for the
/// rest):
///  - tensor = accelerators per server (node.gpus of a switched cluster, chips_per_host of a torus: 8 on a
///  DGX,
///    4 on a TPU v4 host), lowered to the largest value that divides the heads and the device count;
///  - pipeline = powers of two dividing the layers, smallest first (the caller keeps the first one whose
///    weights, gradients and optimizer state fit in HBM), such that tensor × pipeline divides the devices and
///    the data degree divides the batch's sequences;
///  - data = devices / (tensor × pipeline), expert = 1;
///  - micro_batches = 1 without pipeline, else the smallest divisor of the sequences per data replica that
///    is >= 4 × pipeline (pipeline bubble (p-1)/(m+p-1) below 20%), or one sequence per micro-batch.
/// Each layout's `rule` states the rule and the chosen degrees. Throws ConfigError (key `--against`) for an
/// unknown preset and (keys `--against-tensor` / `--against-pipeline`) when no layout satisfies the
/// divisibility constraints.
std::vector<DenseLayout> dense_layout_candidates(const YAML::Node& root, const std::string& file,
                                                 const std::string& against,
                                                 const DenseLayoutRequest& request);

/// `root` with `model` replaced by {preset: against}, `parallelism` by `layout`, `simulation.routing` removed
/// (a dense model has no router) and `name` set to "<against>-dense-reference". Everything else — cluster,
/// training budget, energy, cost — is kept, so both runs are priced on the same cluster and token count.
YAML::Node dense_scenario(const YAML::Node& root, const std::string& against, const DenseLayout& layout);

}  // namespace moesim::reports
