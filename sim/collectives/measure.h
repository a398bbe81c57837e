// moesim — one collective as nccl-tests measures it: chosen algorithm, time, algbw, busbw.
#pragma once

#include <string>

#include "sim/collectives/collective.h"
#include "sim/network/network_backend.h"

namespace moesim::collectives {

/// What `moesim collective` reports for one size (the nccl-tests columns plus where the bytes went).
struct Measurement {
  CollectivePlan plan;             ///< the chosen (or requested) algorithm and protocol, its schedule
  network::NetworkResult network;  ///< the backend's run of the plan's schedule
  double time_s = 0;
  double algbw_Bps = 0;  ///< bytes / time
  double busbw_Bps = 0;  ///< algbw x bus_bandwidth_factor (nccl-tests PERFORMANCE.md)
};

/// Plans `request` with `model` (its tuner when request.algorithm is auto) and runs the schedule on
/// `backend` (analytic: the plan's own time; ptask / flow: SimGrid on the same schedule). For an
/// all-to-all without a matrix the nccl-tests uniform exchange is used. Throws std::invalid_argument as
/// CollectiveModel::plan does.
Measurement measure(const CollectiveModel& model, const CollectiveRequest& request,
                    network::NetworkBackend& backend);

}  // namespace moesim::collectives
