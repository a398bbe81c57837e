#include "plan/layout_memory.h"

#include "sim/step/memory_layout.h"

namespace moesim::plan {

sim::MemoryBreakdown estimate_memory(const workloads::RunSpec& run,
                                     const workloads::ModelAccounting& accounting, int devices_per_node) {
  return sim::memory_per_device(
      run, accounting,
      sim::memory_layout(run, accounting, sim::routing_draws(run, accounting, devices_per_node)));
}

}  // namespace moesim::plan
