// moesim — which compute model a scenario gets: a measured profile, or the roofline of its accelerator.
#pragma once

#include "sim/step/compute_model.h"
#include "topologies/accelerator.h"

namespace moesim::sim {

/// The compute model of `acc`: the measured profile when the accelerator is the profiled GPU, otherwise the
/// roofline of the accelerator (efficiencies calibrated on the committed profile when there is one).
ComputeModel make_compute(const topologies::AcceleratorSpec& acc);

}  // namespace moesim::sim
