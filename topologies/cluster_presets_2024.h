// moesim — the cluster presets of 2023-2025 (internal to topologies/; sources in cluster_presets_2024.cpp).
#pragma once

#include "topologies/cluster_spec.h"

namespace moesim::topologies::detail {

ClusterSpec h800_cluster();
ClusterSpec dgx_b200_cluster();
ClusterSpec gb200_nvl72();
ClusterSpec mi300x_roce_cluster();
ClusterSpec tpuv5e_pod();
ClusterSpec tpuv5p_pod();
ClusterSpec tpuv6e_pod();

}  // namespace moesim::topologies::detail
