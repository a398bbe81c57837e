#include "sim/collectives/measure.h"

namespace moesim::collectives {

Measurement measure(const CollectiveModel& model, const CollectiveRequest& request,
                    network::NetworkBackend& backend) {
  Measurement m;
  m.plan = model.plan(request);
  m.network = backend.simulate(m.plan.schedule);
  m.time_s = m.network.time_s;
  const int n = static_cast<int>(request.group.size());
  m.algbw_Bps = m.time_s > 0 ? request.bytes / m.time_s : 0;
  m.busbw_Bps = m.algbw_Bps * bus_bandwidth_factor(request.op, n);
  return m;
}

}  // namespace moesim::collectives
