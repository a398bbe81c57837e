// moesim — per-pair byte matrices of an all-to-all (MoE dispatch is not uniform).
#pragma once

#include <cstdint>
#include <vector>

namespace moesim::collectives {

/// Bytes that group rank i sends to group rank j, row-major n × n. The diagonal (a rank's tokens for its
/// own experts) stays on the device and costs no network time.
struct ByteMatrix {
  int n = 0;
  std::vector<double> bytes;

  ByteMatrix() = default;
  explicit ByteMatrix(int ranks) : n(ranks), bytes(static_cast<std::size_t>(ranks) * ranks, 0.0) {}
  double& at(int i, int j) { return bytes[static_cast<std::size_t>(i) * n + j]; }
  double at(int i, int j) const { return bytes[static_cast<std::size_t>(i) * n + j]; }
  double row_sum(int i) const;
  double col_sum(int j) const;
  double total() const;
};

/// Uniform all-to-all: every rank sends `bytes_per_rank / n` to every rank (itself included), the
/// nccl-tests alltoall convention (S = send buffer per rank).
ByteMatrix uniform_all_to_all(int n, double bytes_per_rank);

/// Skewed all-to-all with the same total bytes: every rank sends `bytes_per_rank` split over destinations
/// with Zipf weights 1/(k+1)^zipf_s, k being the destination's popularity rank in a fixed pseudo-random
/// order drawn from `seed` (hot experts are not always rank 0). zipf_s = 0 gives the uniform matrix.
/// Power-law token-to-expert distributions with exponent ~1.01–1.2 are what NVIDIA's aiconfigurator
/// profiles MoE kernels under (simulators-state-of-the-art.md §1.8).
ByteMatrix zipf_all_to_all(int n, double bytes_per_rank, double zipf_s, std::uint64_t seed = 1);

}  // namespace moesim::collectives
