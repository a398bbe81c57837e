// JSON and text renderings of ModelAccounting (the `moesim simulate --json` contract for the model part).
#include <iomanip>
#include <ostream>
#include <sstream>

#include "workloads/accounting.h"

namespace moesim::workloads {
namespace {

/// 1.16e12 -> "1.162 T"; plain SI prefixes for reading, never for the JSON.
std::string si(double v, const char* unit) {
  static constexpr const char* kPrefix[] = {"", "k", "M", "G", "T", "P", "E"};
  int i = 0;
  while (v >= 1000.0 && i < 6) {
    v /= 1000.0;
    ++i;
  }
  std::ostringstream s;
  s << std::fixed << std::setprecision(v < 10 ? 3 : (v < 100 ? 2 : 1)) << v << ' ' << kPrefix[i] << unit;
  return s.str();
}

}  // namespace

nlohmann::json to_json(const ModelAccounting& a) {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : a.layers) {
    layers.push_back({{"kind", to_string(l.kind)},
                      {"stack", to_string(l.stack)},
                      {"count", l.count},
                      {"params_per_layer", l.params},
                      {"params_activated_per_layer", l.params_activated},
                      {"flops_fwd_matmul_per_token_per_layer", l.flops_fwd_matmul_per_token},
                      {"flops_fwd_attention_per_token_per_layer", l.flops_fwd_attention_per_token},
                      {"a2a_bytes_per_token_per_layer", l.a2a_bytes_per_token},
                      {"mtp", l.mtp}});
  }
  return {{"model", a.model},
          {"sequence_length", a.sequence_length},
          {"dtype_bytes", a.dtype_bytes},
          {"dispatch_dtype_bytes", a.dispatch_dtype_bytes},
          {"moe_layers", a.moe_layers},
          {"params_total", a.params_total},
          {"params_activated", a.params_activated},
          {"params_embedding", a.params_embedding},
          {"params_experts", a.params_experts},
          {"params_mtp", a.params_mtp},
          {"flops_per_token_fwd", a.flops_per_token_fwd},
          {"flops_per_token_fwd_attention", a.flops_per_token_fwd_attention},
          {"flops_per_token_train", a.flops_per_token_train},
          {"flops_per_token_train_recompute", a.flops_per_token_train_recompute},
          {"a2a_bytes_per_token", a.a2a_bytes_per_token},
          {"a2a_bytes_per_token_train", a.a2a_bytes_per_token_train},
          {"a2a_bytes_per_token_per_moe_layer", a.a2a_bytes_per_token_per_moe_layer},
          {"layers", layers}};
}

void print_accounting(std::ostream& out, const ModelAccounting& a) {
  const auto d = [](std::int64_t v) { return static_cast<double>(v); };
  out << "model " << a.model << " (sequence length " << a.sequence_length << ", " << a.dtype_bytes
      << " bytes per all-to-all element)\n";
  out << "  parameters total        " << si(d(a.params_total), "") << "\n"
      << "  parameters activated    " << si(d(a.params_activated), "") << " per token\n";
  if (a.params_mtp > 0)
    out << "  multi-token prediction  " << si(d(a.params_mtp), "") << " more (not in the total)\n";
  out << "  forward FLOPs           " << si(a.flops_per_token_fwd, "FLOP") << " per token (attention scores "
      << si(a.flops_per_token_fwd_attention, "FLOP") << ")\n"
      << "  training FLOPs          " << si(a.flops_per_token_train, "FLOP") << " per token (3x fwd; "
      << si(a.flops_per_token_train_recompute, "FLOP") << " with recomputation)\n";
  if (a.moe_layers > 0) {
    out << "  all-to-all bytes        " << si(a.a2a_bytes_per_token, "B") << " per token forward over "
        << a.moe_layers << " MoE layers (" << si(a.a2a_bytes_per_token_train, "B") << " training)\n";
  }
  out << "  " << std::left << std::setw(16) << "layer" << std::setw(9) << "stack" << std::right
      << std::setw(6) << "count" << std::setw(15) << "params" << std::setw(15) << "activated" << std::setw(17)
      << "fwd FLOP/token"
      << "\n";
  for (const auto& l : a.layers) {
    const double n = d(l.count);
    out << "  " << std::left << std::setw(16) << (std::string(to_string(l.kind)) + (l.mtp ? "*" : ""))
        << std::setw(9) << to_string(l.stack) << std::right << std::setw(6) << l.count << std::setw(15)
        << si(n * d(l.params), "") << std::setw(15) << si(n * d(l.params_activated), "") << std::setw(17)
        << si(n * (l.flops_fwd_matmul_per_token + l.flops_fwd_attention_per_token), "FLOP") << "\n";
  }
}

}  // namespace moesim::workloads
