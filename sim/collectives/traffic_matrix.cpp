#include "sim/collectives/traffic_matrix.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

namespace moesim::collectives {

double ByteMatrix::row_sum(int i) const {
  double s = 0;
  for (int j = 0; j < n; ++j) s += at(i, j);
  return s;
}

double ByteMatrix::col_sum(int j) const {
  double s = 0;
  for (int i = 0; i < n; ++i) s += at(i, j);
  return s;
}

double ByteMatrix::total() const {
  return std::accumulate(bytes.begin(), bytes.end(), 0.0);
}

ByteMatrix uniform_all_to_all(int n, double bytes_per_rank) {
  return zipf_all_to_all(n, bytes_per_rank, 0.0);
}

ByteMatrix zipf_all_to_all(int n, double bytes_per_rank, double zipf_s, std::uint64_t seed) {
  if (n <= 0) throw std::invalid_argument("all-to-all needs at least one rank");
  if (!(zipf_s >= 0)) throw std::invalid_argument("Zipf exponent must be >= 0");
  std::vector<int> popularity(n);
  std::iota(popularity.begin(), popularity.end(), 0);
  if (zipf_s > 0) std::shuffle(popularity.begin(), popularity.end(), std::mt19937_64(seed));
  std::vector<double> weight(n);
  for (int j = 0; j < n; ++j) weight[j] = 1.0 / std::pow(popularity[j] + 1.0, zipf_s);
  const double sum = std::accumulate(weight.begin(), weight.end(), 0.0);
  ByteMatrix m(n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) m.at(i, j) = bytes_per_rank * weight[j] / sum;
  return m;
}

}  // namespace moesim::collectives
