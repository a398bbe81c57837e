// The LSTM layer and the multi-token-prediction projection of LayerCosts (declared in layer_costs.h).
//
// LSTM (Hochreiter & Schmidhuber 1997; with a projection, Sak et al. 2014), per layer and micro-batch of
// T tokens in b = T / s sequences of s time steps, n cells, input d, recurrent input r (the projection p,
// else n):
//   forward:  X·W_x for all time steps in one product [T, d]·[d, 4n] (the input does not depend on the
//             recurrence); then s steps one after the other, each h·W_r [b, r]·[r, 4n], the gates
//             (sigmoid/tanh over 4n, the cell update: read 4n + n, write 2n + n per row) and, with a
//             projection, h·W_p [b, n]·[n, p];
//   backward: s steps one after the other, each the gates' gradient (read 6n, write 5n per row), the
//             recurrent data gradient [b, 4n]·[4n, r] and, with a projection, its data gradient; then the
//             weight gradients of all steps at once ([r, T]·[T, 4n], [d, T]·[T, 4n], [n, T]·[T, p]) and the
//             input gradient [T, 4n]·[4n, d].
// Each recurrent product is its own kernel (launch overhead included); the dropout + residual add follows
// the layer (Shazeer et al. 2017 App. C.1).
#include "sim/step/layer_costs.h"

namespace moesim::sim {

BlockCost LayerCosts::lstm(bool backward) const {
  const double s = static_cast<double>(run_.training.sequence_length);
  const double b = tokens_ / s;
  const double n = static_cast<double>(m_.lstm_units), d = static_cast<double>(m_.d_model);
  const double p = static_cast<double>(m_.lstm_projection), r = static_cast<double>(m_.lstm_output());
  KernelTime step;
  KernelTime batched;
  if (!backward) {
    batched += c_.gemm(tokens_, 4 * n, d);
    step += c_.gemm(b, 4 * n, r);
    step += c_.stream(b * 8 * n * a_);
    if (p > 0) step += c_.gemm(b, p, n);
    batched += step.scaled(s);
    batched += dropout_residual(false);
    return {batched, block_flops(workloads::LayerKind::kLstm, workloads::Stack::kDecoder)};
  }
  step += c_.stream(b * 11 * n * a_);
  step += c_.gemm(b, r, 4 * n);
  if (p > 0) step += c_.gemm(b, n, p);
  batched += dropout_residual(true);
  batched += step.scaled(s);
  batched += c_.gemm(r, 4 * n, tokens_);
  batched += c_.gemm(d, 4 * n, tokens_);
  batched += c_.gemm(tokens_, d, 4 * n);
  if (p > 0) batched += c_.gemm(n, p, tokens_);
  return {batched, 2.0 * block_flops(workloads::LayerKind::kLstm, workloads::Stack::kDecoder)};
}

BlockCost LayerCosts::mtp_projection(bool backward) const {
  const double d = static_cast<double>(m_.d_model);
  KernelTime t = embedding(backward).time;  // the shifted tokens' embeddings (shared matrix)
  t += norm(backward);
  t += norm(backward);
  t += linear(tokens_, d, 2 * d, backward);
  const double flops = block_flops(workloads::LayerKind::kMtpProjection, workloads::Stack::kDecoder);
  return {t, backward ? 2.0 * flops : flops};
}

}  // namespace moesim::sim
