#include "sim/step/step_graph.h"

#include <algorithm>
#include <stdexcept>

namespace moesim::sim {

std::string_view category_name(OpCategory category) {
  switch (category) {
    case OpCategory::kEmbedding:
      return "embedding";
    case OpCategory::kAttention:
      return "attention";
    case OpCategory::kDenseFfn:
      return "dense_ffn";
    case OpCategory::kGating:
      return "gating";
    case OpCategory::kPermute:
      return "permute";
    case OpCategory::kExpertFfn:
      return "expert_ffn";
    case OpCategory::kOptimizer:
      return "optimizer";
    case OpCategory::kA2aDispatch:
      return "a2a_dispatch";
    case OpCategory::kA2aCombine:
      return "a2a_combine";
    case OpCategory::kTpAllReduce:
      return "tp_allreduce";
    case OpCategory::kTpGather:
      return "tp_gather";
    case OpCategory::kDpAllReduce:
      return "dp_allreduce";
    case OpCategory::kExpertAllReduce:
      return "expert_allreduce";
    case OpCategory::kPipelineP2p:
      return "pipeline_p2p";
    case OpCategory::kParamAllGather:
      return "param_allgather";
    case OpCategory::kSync:
      return "sync";
    case OpCategory::kCount:
      break;
  }
  return "?";
}

std::string_view stream_name(Stream stream) {
  switch (stream) {
    case Stream::kCompute:
      return "compute";
    case Stream::kTp:
      return "tp comm";
    case Stream::kEp:
      return "ep comm";
    case Stream::kDp:
      return "dp comm";
    case Stream::kExpertDp:
      return "expert-dp comm";
    case Stream::kFsdp:
      return "weight all-gather";
    case Stream::kAsync:
      return "pipeline p2p";
    case Stream::kCount:
      break;
  }
  return "?";
}

Stream communicator_stream(OpCategory category) {
  switch (category) {
    case OpCategory::kA2aDispatch:
    case OpCategory::kA2aCombine:
      return Stream::kEp;
    case OpCategory::kTpAllReduce:
    case OpCategory::kTpGather:
      return Stream::kTp;
    case OpCategory::kDpAllReduce:
      return Stream::kDp;
    case OpCategory::kExpertAllReduce:
      return Stream::kExpertDp;
    case OpCategory::kPipelineP2p:
      return Stream::kAsync;
    case OpCategory::kParamAllGather:
      return Stream::kFsdp;
    default:
      return Stream::kCompute;
  }
}

bool is_communication(OpCategory c) {
  return c == OpCategory::kA2aDispatch || c == OpCategory::kA2aCombine || c == OpCategory::kTpAllReduce ||
         c == OpCategory::kTpGather || c == OpCategory::kDpAllReduce || c == OpCategory::kExpertAllReduce ||
         c == OpCategory::kPipelineP2p || c == OpCategory::kParamAllGather;
}

bool is_all_to_all(OpCategory c) {
  return c == OpCategory::kA2aDispatch || c == OpCategory::kA2aCombine;
}

std::int32_t StepGraph::add(const Op& op, std::initializer_list<std::int32_t> deps) {
  return add(op, std::vector<std::int32_t>(deps));
}

std::int32_t StepGraph::add(const Op& op, const std::vector<std::int32_t>& deps) {
  if (op.device < 0 || op.device >= device_count_)
    throw std::out_of_range("StepGraph::add: device out of range");
  const auto id = static_cast<std::int32_t>(ops_.size());
  for (auto d : deps) {
    if (d < 0 || d >= id) throw std::out_of_range("StepGraph::add: dependency on an op not yet added");
  }
  ops_.push_back(op);
  deps_.push_back(deps);
  return id;
}

void StepGraph::add_dependency(std::int32_t from, std::int32_t to) {
  const auto n = static_cast<std::int32_t>(ops_.size());
  if (from < 0 || from >= n || to < 0 || to >= n) throw std::out_of_range("StepGraph::add_dependency");
  deps_[static_cast<std::size_t>(to)].push_back(from);
}

void StepGraph::set_stream_key(std::int32_t op, double key) {
  if (op < 0 || op >= static_cast<std::int32_t>(ops_.size()))
    throw std::out_of_range("StepGraph::set_stream_key");
  if (stream_key_.size() < ops_.size()) {
    const auto from = stream_key_.size();
    stream_key_.resize(ops_.size());
    for (auto i = from; i < ops_.size(); ++i) stream_key_[i] = static_cast<double>(i);
  }
  stream_key_[static_cast<std::size_t>(op)] = key;
}

std::vector<std::int32_t> StepGraph::stream_predecessors() const {
  const std::size_t n = ops_.size();
  auto slot = [&](std::size_t i) {
    return static_cast<std::size_t>(ops_[i].device) * kStreamCount + static_cast<std::size_t>(ops_[i].stream);
  };
  std::vector<std::int32_t> prev(n, -1);
  std::vector<std::int32_t> last(static_cast<std::size_t>(device_count_) * kStreamCount, -1);
  auto link = [&](std::size_t i) {
    if (ops_[i].stream == Stream::kAsync) return;
    prev[i] = last[slot(i)];
    last[slot(i)] = static_cast<std::int32_t>(i);
  };
  if (stream_key_.empty()) {
    for (std::size_t i = 0; i < n; ++i) link(i);
    return prev;
  }
  auto key = [&](std::size_t i) { return i < stream_key_.size() ? stream_key_[i] : static_cast<double>(i); };
  std::vector<std::int32_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::int32_t>(i);
  std::stable_sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
    return key(static_cast<std::size_t>(a)) < key(static_cast<std::size_t>(b));
  });
  for (auto i : order) link(static_cast<std::size_t>(i));
  return prev;
}

std::int32_t StepGraph::add_collective(OpCategory category, std::int32_t demand,
                                       const std::vector<std::int32_t>& participants) {
  const auto id = static_cast<std::int32_t>(collectives_.size());
  Collective c;
  c.category = category;
  c.demand = demand;
  c.ops = participants;
  for (auto p : participants) {
    auto& op = ops_.at(static_cast<std::size_t>(p));
    if (op.collective != -1) throw std::logic_error("StepGraph::add_collective: op already in a collective");
    op.collective = id;
    op.category = category;
  }
  collectives_.push_back(std::move(c));
  return id;
}

}  // namespace moesim::sim
