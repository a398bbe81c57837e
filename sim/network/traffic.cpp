#include "sim/network/traffic.h"

namespace moesim::network {

double Schedule::network_bytes() const {
  double total = 0;
  for (const auto& p : phases)
    for (const auto& t : p.transfers)
      if (t.src != t.dst) total += t.bytes * p.repeat;
  return total;
}

std::size_t Schedule::transfer_count() const {
  std::size_t n = 0;
  for (const auto& p : phases)
    for (const auto& t : p.transfers)
      if (t.src != t.dst && t.bytes > 0) ++n;
  return n;
}

double Schedule::fixed_latency_s() const {
  double total = launch_s;
  for (const auto& p : phases) total += p.overhead_s * p.repeat;
  return total;
}

Schedule expand_repeats(const Schedule& schedule) {
  Schedule out;
  out.name = schedule.name;
  out.launch_s = schedule.launch_s;
  for (const auto& p : schedule.phases) {
    Phase one = p;
    one.repeat = 1;
    for (int r = 0; r < p.repeat; ++r) out.phases.push_back(one);
  }
  return out;
}

}  // namespace moesim::network
