// Parameter synchronisation in the step: gradient buckets, ZeRO reduce-scatters and weight all-gathers.
#include "sim/step/step_builder_parts.h"

#include <algorithm>

namespace moesim::sim::detail {

using workloads::LayerKind;
using workloads::Stack;

std::pair<double, double> Builder::layer_params(const LayerPlan& lp) const {
  double dense = 0;
  for (auto kind : {LayerKind::kAttention, LayerKind::kCrossAttention, LayerKind::kLstm}) {
    if (kind == LayerKind::kCrossAttention && !(lp.stack == Stack::kDecoder && m_.encoder_decoder)) continue;
    if (const auto* c = find_cost(acc_, kind, lp.stack)) dense += static_cast<double>(c->params);
  }
  for (auto kind : lp.moe ? std::vector<LayerKind>{LayerKind::kRouter, LayerKind::kSharedExperts}
                          : std::vector<LayerKind>{LayerKind::kDenseFfn})
    if (const auto* c = find_cost(acc_, kind, lp.stack)) dense += static_cast<double>(c->params);
  if (lp.mtp)
    if (const auto* c = find_cost(acc_, LayerKind::kMtpProjection, lp.stack))
      dense += static_cast<double>(c->params);
  double experts = 0;
  if (lp.moe)
    if (const auto* c = find_cost(acc_, LayerKind::kMoeFfn, lp.stack))
      experts = static_cast<double>(c->params) / (out_.layout.expert * out_.layout.expert_tensor);
  return {dense / tp_, experts};
}

double Builder::edge_params(int first_layer, int end_layer) const {
  // An importance-sampled softmax (and its embedding) has sparse gradients: only the rows of the words in
  // the batch and of the sampled classes change, and only those are synchronised (TensorFlow's sparse
  // updates, as Jozefowicz et al. 2016 and Shazeer et al. 2017 trained). Upper bound: every token a
  // distinct word.
  const bool sparse = m_.softmax_samples > 0;
  const double tokens = out_.tokens_per_microbatch * micro_;
  double p = 0;
  for (const auto& l : acc_.layers) {
    if (l.mtp) continue;
    const double rows = static_cast<double>(m_.vocab);
    const double touched = l.kind == LayerKind::kEmbedding
                               ? std::min(rows, tokens)
                               : std::min(rows, tokens + static_cast<double>(m_.softmax_samples));
    const double scale = sparse ? touched / rows : 1.0;
    if (l.kind == LayerKind::kEmbedding && first_layer == 0) p += static_cast<double>(l.params) * scale;
    if (l.kind == LayerKind::kLogits && end_layer == static_cast<int>(layers_.size()))
      p += static_cast<double>(l.params) * scale;
  }
  return p / tp_;
}

void Builder::gradient_ready(int stage, int layer, double dense_params, double expert_params, bool flush,
                             const std::vector<int>& devs, const std::vector<std::int32_t>& prev) {
  dense_bucket_ += dense_params * dtype_;
  expert_bucket_ += expert_params * dtype_;
  const double cap = run_.simulation.grad_bucket_bytes;
  const bool zero = run_.parallelism.zero >= 1;
  if (out_.layout.data > 1 && dense_bucket_ > 0 && (flush || dense_bucket_ >= cap)) {
    const auto kind = zero ? NetworkDemand::Kind::kDpReduceScatter : NetworkDemand::Kind::kDpAllReduce;
    const auto ids = collective(devs, prev, OpCategory::kDpAllReduce, demand(kind, -1, stage, dense_bucket_),
                                true, layer, micro_ - 1);
    grad_ops_.insert(grad_ops_.end(), ids.begin(), ids.end());
    dense_bucket_ = 0;
  }
  if (out_.layout.expert_data() > 1 && expert_bucket_ > 0 && (flush || expert_bucket_ >= cap)) {
    const auto kind =
        zero ? NetworkDemand::Kind::kExpertReduceScatter : NetworkDemand::Kind::kExpertAllReduce;
    const auto ids = collective(devs, prev, OpCategory::kExpertAllReduce,
                                demand(kind, -1, stage, expert_bucket_), true, layer, micro_ - 1);
    grad_ops_.insert(grad_ops_.end(), ids.begin(), ids.end());
    expert_bucket_ = 0;
  }
}

bool Builder::gathers_before(int mb, bool backward) const {
  const int zero = run_.parallelism.zero;
  return zero >= 3 || (zero >= 1 && run_.simulation.overlap.param_gather && mb == 0 && !backward);
}

void Builder::gather_weights(int stage, int layer, const LayerPlan& lp, int mb, bool backward,
                             const std::vector<int>& devs, std::vector<std::int32_t>& prev) {
  const auto [dense, experts] = layer_params(lp);
  std::vector<std::vector<std::int32_t>> gathered;
  if (out_.layout.data > 1 && dense > 0)
    gathered.push_back(collective(devs, prefetch_after_, OpCategory::kParamAllGather,
                                  demand(NetworkDemand::Kind::kDpAllGather, -1, stage, dense * dtype_),
                                  backward, layer, mb));
  if (out_.layout.expert_data() > 1 && experts > 0)
    gathered.push_back(collective(devs, prefetch_after_, OpCategory::kParamAllGather,
                                  demand(NetworkDemand::Kind::kExpertAllGather, -1, stage, experts * dtype_),
                                  backward, layer, mb));
  prefetch_after_ = layer_entry_;
  layer_entry_ = prev;
  if (gathered.empty()) return;
  for (std::size_t i = 0; i < devs.size(); ++i) {
    std::vector<std::int32_t> deps;
    if (prev[i] >= 0) deps.push_back(prev[i]);
    for (const auto& g : gathered) deps.push_back(g[i]);
    Op join = compute_op(devs[i], OpCategory::kSync, 0.0, 0.0, backward, layer, mb);
    prev[i] = out_.graph.add(join, deps);
  }
}

void Builder::gather_after_optimizer(int stage, const std::vector<int>& devs,
                                     const std::vector<std::int32_t>& opt) {
  const int zero = run_.parallelism.zero;
  if (zero < 1 || zero >= 3 || run_.simulation.overlap.param_gather) return;
  const double dense = dense_params_per_device(), experts = expert_params_per_device();
  if (out_.layout.data > 1 && dense > 0)
    collective(devs, opt, OpCategory::kParamAllGather,
               demand(NetworkDemand::Kind::kDpAllGather, -1, stage, dense * dtype_), true, -1, micro_ - 1);
  if (out_.layout.expert_data() > 1 && experts > 0)
    collective(devs, opt, OpCategory::kParamAllGather,
               demand(NetworkDemand::Kind::kExpertAllGather, -1, stage, experts * dtype_), true, -1,
               micro_ - 1);
}

}  // namespace moesim::sim::detail
