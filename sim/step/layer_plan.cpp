#include "sim/step/layer_plan.h"

namespace moesim::sim {

std::vector<LayerPlan> layer_plan(const workloads::ModelSpec& m) {
  std::vector<LayerPlan> out;
  auto add_stack = [&](workloads::Stack s, std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) out.push_back({s, m.is_moe_layer(i), false});
  };
  add_stack(workloads::Stack::kEncoder, m.encoder_layer_count());
  add_stack(workloads::Stack::kDecoder, m.decoder_layer_count());
  for (std::int64_t k = 0; k < m.mtp_modules; ++k)
    out.push_back({workloads::Stack::kDecoder, m.is_moe_layer(m.layers - 1), true});
  return out;
}

}  // namespace moesim::sim

namespace moesim::sim {
namespace {

/// Forward FLOPs per token of one layer of `lp`'s kind, from the accounting (an MTP module's rows for an
/// MTP layer, with its projection and its pass through the output head).
double layer_flops(const workloads::ModelAccounting& acc, const LayerPlan& lp, bool cross) {
  using K = workloads::LayerKind;
  double f = 0;
  for (const auto& l : acc.layers) {
    const bool same_stack = l.stack == lp.stack || l.stack == workloads::Stack::kNone;
    if (!same_stack || l.mtp != lp.mtp) continue;
    const bool ffn = lp.moe ? l.kind == K::kMoeFfn || l.kind == K::kRouter || l.kind == K::kSharedExperts
                            : l.kind == K::kDenseFfn;
    const bool take = l.kind == K::kAttention || l.kind == K::kLstm ||
                      (cross && l.kind == K::kCrossAttention) || ffn ||
                      (lp.mtp && (l.kind == K::kMtpProjection || l.kind == K::kLogits));
    if (take) f += l.flops_fwd_matmul_per_token + l.flops_fwd_attention_per_token;
  }
  return f;
}

std::vector<int> balanced(const std::vector<double>& cost, double last_extra, int stages) {
  const int n = static_cast<int>(cost.size());
  std::vector<double> prefix(static_cast<std::size_t>(n) + 1, 0.0);
  for (int i = 0; i < n; ++i)
    prefix[static_cast<std::size_t>(i) + 1] =
        prefix[static_cast<std::size_t>(i)] + cost[static_cast<std::size_t>(i)];
  // best[s][i]: the smallest largest-stage cost of layers [0, i) on stages [0, s); cut[s][i] its last cut.
  const double inf = 1e300;
  std::vector<std::vector<double>> best(static_cast<std::size_t>(stages) + 1,
                                        std::vector<double>(static_cast<std::size_t>(n) + 1, inf));
  std::vector<std::vector<int>> cut(best.size(), std::vector<int>(static_cast<std::size_t>(n) + 1, 0));
  best[0][0] = 0;
  for (int s = 1; s <= stages; ++s)
    for (int i = s; i <= n - (stages - s); ++i)
      for (int j = s - 1; j < i; ++j) {
        const double stage = prefix[static_cast<std::size_t>(i)] - prefix[static_cast<std::size_t>(j)] +
                             (s == stages ? last_extra : 0.0);
        const double worst =
            std::max(best[static_cast<std::size_t>(s) - 1][static_cast<std::size_t>(j)], stage);
        if (worst < best[static_cast<std::size_t>(s)][static_cast<std::size_t>(i)]) {
          best[static_cast<std::size_t>(s)][static_cast<std::size_t>(i)] = worst;
          cut[static_cast<std::size_t>(s)][static_cast<std::size_t>(i)] = j;
        }
      }
  std::vector<int> first(static_cast<std::size_t>(stages) + 1, n);
  for (int s = stages, i = n; s > 0; --s) {
    i = cut[static_cast<std::size_t>(s)][static_cast<std::size_t>(i)];
    first[static_cast<std::size_t>(s) - 1] = i;
  }
  return first;
}

}  // namespace

std::vector<int> pipeline_boundaries(const workloads::RunSpec& run, const workloads::ModelAccounting& acc) {
  const auto& p = run.parallelism;
  const auto layers = layer_plan(run.model);
  const int n = static_cast<int>(layers.size());
  const int stages = static_cast<int>(p.pipeline);
  if (!p.stage_layers.empty()) {
    std::vector<int> first{0};
    for (auto l : p.stage_layers) first.push_back(first.back() + static_cast<int>(l));
    return first;
  }
  if (p.balance_stages) {
    std::vector<double> cost;
    for (const auto& lp : layers)
      cost.push_back(
          layer_flops(acc, lp, lp.stack == workloads::Stack::kDecoder && run.model.encoder_decoder));
    double logits = 0;
    for (const auto& l : acc.layers)
      if (l.kind == workloads::LayerKind::kLogits && !l.mtp) logits += l.flops_fwd_matmul_per_token;
    return balanced(cost, logits, stages);
  }
  const int chunks = stages * static_cast<int>(p.virtual_stages);
  std::vector<int> first;
  for (int k = 0; k <= chunks; ++k) first.push_back(k * n / chunks);
  return first;
}

bool merges_forward_backward(const workloads::RunSpec& run) {
  return run.simulation.overlap.ep_comm && run.model.is_moe() && run.parallelism.expert > 1;
}

int warmup_forwards(const workloads::RunSpec& run, int stage) {
  const auto stages = static_cast<int>(run.parallelism.pipeline);
  const int ahead = stages - stage - 1;
  // The interleaved schedule keeps its own warm-up, one chunk longer with merged pairs (the builder's
  // interleaved_warmup).
  const bool doubled = merges_forward_backward(run) && stages > 1 && run.parallelism.virtual_stages == 1;
  return doubled ? 2 * ahead + 1 : ahead;
}

}  // namespace moesim::sim
