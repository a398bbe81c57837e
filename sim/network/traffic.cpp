#include "sim/network/traffic.h"

namespace moesim::network {

double Schedule::network_bytes() const {
  double total = 0;
  for (const auto& p : phases)
    for (const auto& t : p.transfers)
      if (t.src != t.dst) total += t.bytes;
  return total;
}

std::size_t Schedule::transfer_count() const {
  std::size_t n = 0;
  for (const auto& p : phases)
    for (const auto& t : p.transfers)
      if (t.src != t.dst && t.bytes > 0) ++n;
  return n;
}

}  // namespace moesim::network
