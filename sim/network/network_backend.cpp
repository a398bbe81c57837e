#include "sim/network/network_backend.h"

#include <stdexcept>

#include "sim/network/analytic_backend.h"
#include "sim/network/simgrid_backend.h"

namespace moesim::network {

std::string_view backend_name(BackendKind kind) {
  switch (kind) {
    case BackendKind::kAnalytic:
      return "analytic";
    case BackendKind::kPtask:
      return "ptask";
    case BackendKind::kFlow:
      return "flow";
  }
  return "?";
}

BackendKind parse_backend(std::string_view name) {
  if (name == "analytic") return BackendKind::kAnalytic;
  if (name == "ptask") return BackendKind::kPtask;
  if (name == "flow") return BackendKind::kFlow;
  throw std::invalid_argument("unknown network backend '" + std::string(name) +
                              "' (expected analytic, ptask or flow)");
}

std::unique_ptr<NetworkBackend> make_backend(BackendKind kind, const topologies::Topology& topology,
                                             const BackendOptions& options) {
  if (kind == BackendKind::kAnalytic) return std::make_unique<AnalyticBackend>(topology, options);
  return make_simgrid_backend(kind, topology, options);
}

}  // namespace moesim::network
