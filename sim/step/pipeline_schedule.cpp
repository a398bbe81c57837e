// Pipeline stages: 1F1B and interleaved orders, embedding and logits, p2p between stages.
#include "sim/step/step_builder_parts.h"

#include <algorithm>
#include <map>
#include <vector>

namespace moesim::sim::detail {

using workloads::LayerKind;
using workloads::Stack;

void Builder::build_stage(int stage) {
  std::vector<std::int32_t> prev(static_cast<std::size_t>(sim_per_stage_), -1);
  grad_ops_.clear();
  dense_bucket_ = expert_bucket_ = 0;
  prefetch_after_.assign(prev.size(), -1);
  layer_entry_.assign(prev.size(), -1);
  // Number MoE layers in model order (routing draws are per MoE layer).
  int moe_seen = 0;
  for (int l = 0; l < static_cast<int>(layers_.size()); ++l) {
    if (layers_[static_cast<std::size_t>(l)].moe) moe_counter_[l] = moe_seen++;
  }
  const int last = stages_ * virtual_ - 1;  // the last virtual stage
  // One micro-batch through virtual stage `vs` (chunk vs / p of this device).
  auto pass = [&](int vs, int mb, bool backward) {
    const int first = boundaries_[static_cast<std::size_t>(vs)];
    const int count = boundaries_[static_cast<std::size_t>(vs) + 1] - first;
    if (vs > 0 && !backward) recv_p2p(vs, mb, false, prev);
    if (vs < last && backward) recv_p2p(vs, mb, true, prev);
    if (vs == 0 && !backward) embedding(mb, false, prev, stage);
    if (vs == last && backward) logits(mb, true, prev, stage);
    chunk_first_layer_ = first;
    chunk_end_layer_ = first + count;
    for (int j = 0; j < count; ++j) {
      const int l = backward ? first + count - 1 - j : first + j;
      layer_ops(stage, l, layers_[static_cast<std::size_t>(l)], mb, backward, mb == micro_ - 1, prev);
    }
    if (vs == last && !backward) logits(mb, false, prev, stage);
    if (vs == 0 && backward) embedding(mb, true, prev, stage);
    if (vs < last && !backward) send_p2p(vs, mb, false, prev);
    if (vs > 0 && backward) send_p2p(vs, mb, true, prev);
  };
  const auto order = pipeline_order(stage);
  for (std::size_t k = 0; k < order.size(); ++k) {
    const auto& u = order[k];
    if (k + 1 == order.size() || !merged(stage, u, order[k + 1])) {
      pass(u.chunk * stages_ + stage, u.micro_batch, u.backward);
      continue;
    }
    // The second unit starts from the state before the first (it depends on nothing the first does); what
    // follows the pair waits for both.
    const auto& v = order[++k];
    const auto before = prev;
    const auto entry = layer_entry_, prefetch = prefetch_after_;
    const std::size_t first = out_.graph.ops().size();
    pass(u.chunk * stages_ + stage, u.micro_batch, u.backward);
    const auto after_first = prev;
    prev = before;
    layer_entry_ = entry;
    prefetch_after_ = prefetch;
    const std::size_t second = out_.graph.ops().size();
    pass(v.chunk * stages_ + stage, v.micro_batch, v.backward);
    interleave_units(first, second, out_.graph.ops().size());
    join_units(stage, after_first, v, prev);
  }
  // Optimizer step after every gradient all-reduce of this device.
  const double params = params_per_device();
  const BlockCost update = costs_->optimizer(params * update_bytes_per_param(run_.training.optimizer));
  std::vector<int> devs;
  std::vector<std::int32_t> opt;
  for (int i = 0; i < sim_per_stage_; ++i) {
    std::vector<std::int32_t> deps;
    if (prev[static_cast<std::size_t>(i)] >= 0) deps.push_back(prev[static_cast<std::size_t>(i)]);
    for (auto g : grad_ops_) {
      if (out_.graph.ops()[static_cast<std::size_t>(g)].device == sim(stage, i)) deps.push_back(g);
    }
    devs.push_back(sim(stage, i));
    opt.push_back(
        out_.graph.add(compute_op(sim(stage, i), OpCategory::kOptimizer, update, true, -1, 0), deps));
  }
  gather_after_optimizer(stage, devs, opt);
}

bool Builder::merged(int stage, const Unit& a, const Unit& b) const {
  // Megatron-Core's combined 1F1B (--overlap-moe-expert-parallel-comm) and DeepSeek-V3's DualPipe (§3.2.1)
  // pair a forward with a backward of another micro-batch, independent, so neither waits for the other.
  if (!merges_forward_backward(run_) || a.backward == b.backward) return false;
  // Without stages: B(k) with F(k + 1). With stages: the steady state's F(k + w) with B(k) only.
  if (stages_ == 1) return a.backward && b.micro_batch == a.micro_batch + 1;
  // Interleaved: a steady-state forward (one after the warm-up) with the backward the order follows it
  // with. A warm-up forward next to a backward (all forwards warm up when the micro-batches are few) is
  // not paired: that backward can need the gradient this forward's output leads to.
  if (virtual_ > 1) {
    const int k =
        (a.micro_batch / stages_) * stages_ * virtual_ + a.chunk * stages_ + a.micro_batch % stages_;
    return !a.backward && k >= interleaved_warmup(stage);
  }
  return !a.backward && a.micro_batch - b.micro_batch >= warmup_forwards(run_, stage);
}

void Builder::join_units(int stage, const std::vector<std::int32_t>& first_end, const Unit& second,
                         std::vector<std::int32_t>& prev) {
  for (int i = 0; i < sim_per_stage_; ++i) {
    auto& p = prev[static_cast<std::size_t>(i)];
    const Op join =
        compute_op(sim(stage, i), OpCategory::kSync, 0.0, 0.0, second.backward, -1, second.micro_batch);
    std::vector<std::int32_t> deps;
    for (auto d : {first_end[static_cast<std::size_t>(i)], p})
      if (d >= 0) deps.push_back(d);
    p = out_.graph.add(join, deps);
  }
}

void Builder::interleave_units(std::size_t first, std::size_t second, std::size_t end) {
  auto& g = out_.graph;
  const auto& ops = g.ops();
  const auto& deps = g.deps();
  std::vector<int> piece(end - first, 0);
  int pieces = 1;
  for (auto [from, to] : {std::pair{first, second}, std::pair{second, end}}) {
    std::vector<int> current(static_cast<std::size_t>(g.device_count()), 0);
    for (std::size_t i = from; i < to; ++i) {
      const auto& op = ops[i];
      int& c = current[static_cast<std::size_t>(op.device)];
      if (op.collective < 0 && op.stream == Stream::kCompute) {
        for (auto d : deps[i]) {
          const auto& dep = ops[static_cast<std::size_t>(d)];
          if (dep.collective >= 0 && is_all_to_all(dep.category)) {
            ++c;
            break;
          }
        }
      }
      piece[i - first] = c;
      pieces = std::max(pieces, c + 1);
    }
  }
  // Keys stay inside [first, end), so the pair keeps its place among the stage's other units.
  const double span = static_cast<double>(end - first);
  for (std::size_t i = first; i < end; ++i) {
    const bool later = i >= second;
    const double from = static_cast<double>(later ? second : first);
    const double length = static_cast<double>(later ? end - second : second - first);
    const double slot =
        2.0 * piece[i - first] + (later ? 1.0 : 0.0) + (static_cast<double>(i) - from) / length;
    g.set_stream_key(static_cast<std::int32_t>(i), static_cast<double>(first) + span * slot / (2.0 * pieces));
  }
}

std::vector<Builder::Unit> Builder::pipeline_order(int stage) const {
  std::vector<Unit> order;
  const int p = stages_, v = virtual_, m = micro_;
  if (v == 1) {
    const int warmup = std::min(warmup_forwards(run_, stage), m);
    int f = 0, b = 0;
    for (; f < warmup; ++f) order.push_back({0, f, false});
    while (f < m) {
      order.push_back({0, f++, false});
      order.push_back({0, b++, true});
    }
    while (b < m) order.push_back({0, b++, true});
    return order;
  }
  const int total = m * v;
  const int warmup = interleaved_warmup(stage);
  auto unit = [&](int k, bool backward) {
    const int chunk = (k / p) % v;
    return Unit{backward ? v - 1 - chunk : chunk, (k / (p * v)) * p + k % p, backward};
  };
  int f = 0, b = 0;
  for (; f < warmup; ++f) order.push_back(unit(f, false));
  while (f < total) {
    order.push_back(unit(f++, false));
    order.push_back(unit(b++, true));
  }
  while (b < total) order.push_back(unit(b++, true));
  return order;
}

int Builder::interleaved_warmup(int stage) const {
  // (p - s - 1) x 2 + (v - 1) x p, and one forward more with merged pairs (Megatron-Core schedules.py: "we
  // schedule one extra micro-batch forward step before the 1f1b stages" with the all-to-all overlap).
  const int extra = merges_forward_backward(run_) ? 1 : 0;
  const int warmup = (stages_ - stage - 1) * 2 + (virtual_ - 1) * stages_ + extra;
  return std::min(warmup, micro_ * virtual_);
}

void Builder::logits(int mb, bool backward, std::vector<std::int32_t>& prev, int stage) {
  const BlockCost cost = costs_->logits(backward);
  for (int i = 0; i < sim_per_stage_; ++i) {
    auto& p = prev[static_cast<std::size_t>(i)];
    const Op op = compute_op(sim(stage, i), OpCategory::kEmbedding, cost, backward, -1, mb);
    p = p >= 0 ? out_.graph.add(op, {p}) : out_.graph.add(op);
  }
}

void Builder::embedding(int mb, bool backward, std::vector<std::int32_t>& prev, int stage) {
  const BlockCost cost = costs_->embedding(backward);
  for (int i = 0; i < sim_per_stage_; ++i) {
    auto& p = prev[static_cast<std::size_t>(i)];
    const Op op = compute_op(sim(stage, i), OpCategory::kEmbedding, cost, backward, -1, mb);
    p = p >= 0 ? out_.graph.add(op, {p}) : out_.graph.add(op);
  }
}

void Builder::send_p2p(int vs, int mb, bool backward, std::vector<std::int32_t>& prev) {
  const int to = backward ? vs - 1 : vs + 1;
  for (int i = 0; i < sim_per_stage_; ++i) {
    Op op;
    op.device = sim(vs % stages_, i);
    op.stream = Stream::kAsync;
    op.backward = backward;
    op.micro_batch = static_cast<std::int16_t>(mb);
    const auto id = out_.graph.add(op, {prev[static_cast<std::size_t>(i)]});
    p2p_[{std::min(vs, to), mb, backward, i}].first = id;
  }
}

void Builder::recv_p2p(int vs, int mb, bool backward, std::vector<std::int32_t>& prev) {
  const int from = backward ? vs + 1 : vs - 1;
  for (int i = 0; i < sim_per_stage_; ++i) {
    Op op;
    op.device = sim(vs % stages_, i);
    op.stream = Stream::kAsync;
    op.backward = backward;
    op.micro_batch = static_cast<std::int16_t>(mb);
    const auto id = out_.graph.add(op);
    p2p_[{std::min(vs, from), mb, backward, i}].second = id;
    prev[static_cast<std::size_t>(i)] = id;
  }
}

void Builder::link_p2p() {
  const double bytes = out_.tokens_per_microbatch * m_.d_model * dtype_ / tp_;
  // One collective per stage boundary, micro-batch and direction, joining every simulated pair: the demand
  // is priced as all of the boundary's transfers at once, so the pairs share that price instead of each
  // claiming the shared links (the spine tier) for the whole boundary's traffic.
  std::map<std::tuple<int, int, bool>, std::vector<std::int32_t>> boundaries;
  for (const auto& [key, ends] : p2p_) {
    auto& ops = boundaries[{std::get<0>(key), std::get<1>(key), std::get<2>(key)}];
    ops.push_back(ends.first);
    ops.push_back(ends.second);
  }
  for (const auto& [key, ops] : boundaries) {
    // Priced on the sending device's stage to the next one (the pipeline wraps round with interleaving).
    const auto d = demand(NetworkDemand::Kind::kP2p, -1, std::get<0>(key) % stages_, bytes);
    out_.graph.add_collective(OpCategory::kPipelineP2p, d, ops);
  }
}

}  // namespace moesim::sim::detail
