// moesim — one phase of a collective schedule as SimGrid activities, shared by the collective backends and
// the whole-step engine. Includes SimGrid: for the sim/network/simgrid_* files only.
#pragma once

#include <simgrid/s4u.hpp>
#include <vector>

#include "sim/network/network_backend.h"
#include "sim/network/traffic.h"

namespace moesim::network {

/// The (not yet started) network activities of `phase` between `devices` (indexed by device rank): with
/// kPtask one parallel task over its participants with the dense bytes matrix when participants² <= 16 ×
/// transfers, else one 2-host parallel task per transfer; with kFlow one flow per transfer. Every transfer
/// carries its bytes × repeat / efficiency (a phase repeated r times runs once with r times its bytes, at
/// the links' achievable rate). The phase's fixed overhead and protocol floor are not included.
std::vector<simgrid::s4u::ActivityPtr> phase_activities(const Phase& phase,
                                                        const std::vector<simgrid::s4u::Host*>& devices,
                                                        BackendKind kind);

}  // namespace moesim::network
