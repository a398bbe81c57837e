// moesim — what a link really delivers: hop classes and achievable bandwidth per link.
#pragma once

#include <string_view>
#include <vector>

#include "topologies/topology.h"

namespace moesim::network {

/// The physical kind of a tier of links. It sets the fraction of the line rate collectives achieve and,
/// in the collective models, which per-hop latencies apply.
enum class HopClass { kNvLink, kPcie, kInfiniBand, kRoce, kIci };

/// "nvlink", "pcie", "network" (InfiniBand and RoCE alike: the key of `collectives.calibration`), "ici".
std::string_view calibration_name(HopClass c);
std::string_view hop_class_name(HopClass c);  ///< "nvlink", "pcie", "infiniband", "roce", "ici"

/// Fraction of the line rate (one direction) that collectives achieve on a link of class `c` between
/// accelerators of preset `accelerator` (NVLink's depends on the generation). Sources in link_model.cpp.
double default_efficiency(HopClass c, std::string_view accelerator);

/// Achievable bandwidth of every directed link: line rate x the efficiency of its tier's hop class, or the
/// bandwidth the cluster's `collectives.calibration` pins for that class. Built once per topology and
/// shared by every backend, so that analytic and SimGrid price the same links.
class LinkModel {
 public:
  /// Line rate everywhere (efficiency 1): for hand-built fabrics and textbook checks.
  static LinkModel line_rate(const topologies::Topology& topology);
  /// From the topology's cluster description (Topology::cluster_spec()); line rate when there is none.
  static LinkModel of(const topologies::Topology& topology);

  double bandwidth_Bps(topologies::LinkId link) const { return bandwidth_Bps_[link]; }
  const std::vector<double>& bandwidths() const { return bandwidth_Bps_; }
  HopClass tier_class(int tier) const { return tier_class_[static_cast<std::size_t>(tier)]; }
  double tier_efficiency(int tier) const { return tier_efficiency_[static_cast<std::size_t>(tier)]; }

 private:
  std::vector<double> bandwidth_Bps_;
  std::vector<HopClass> tier_class_;
  std::vector<double> tier_efficiency_;
};

}  // namespace moesim::network
