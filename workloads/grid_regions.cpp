#include <array>

#include "workloads/energy_spec.h"

namespace moesim::workloads {
namespace {

// Gross carbon intensities of the grids behind published training runs. Sources:
//  [PAT] Patterson et al. 2021, arXiv 2104.10350, Table 4 (gross kgCO2e/kWh of the data centre the run used;
//        GPT-3's is the US average, footnote 14).
//  [LUC] Luccioni, Viguier, Ligozat 2023, "Estimating the Carbon Footprint of BLOOM" (JMLR 24): 433,196 kWh
//        of dynamic consumption emitted 24.7 t CO2e on the French grid, i.e. 0.057 kg/kWh.
//  [GLaM] Du et al. 2022: 40.2 t net for 456 MWh, i.e. 0.088 kg/kWh (net, after Google's carbon-free energy).
constexpr std::array kRegions{
    GridRegion{"us-average", 0.429, "[PAT] Table 4, GPT-3 (US average, 2020)"},
    GridRegion{"google-taiwan", 0.545, "[PAT] Table 4, T5 (Google Taiwan, Sep 2019)"},
    GridRegion{"google-georgia", 0.403, "[PAT] Table 4, Switch Transformer (Google Georgia, Oct 2020)"},
    GridRegion{"google-north-carolina", 0.201, "[PAT] Table 4, GShard-600B (Google N. Carolina, Apr 2020)"},
    GridRegion{"google-glam-net", 0.088, "[GLaM] net intensity of the GLaM run, 40.2 t / 456 MWh"},
    GridRegion{"france", 0.057, "[LUC] BLOOM on Jean Zay, 24.7 t / 433,196 kWh"},
};

}  // namespace

std::span<const GridRegion> grid_regions() {
  return kRegions;
}

const GridRegion* find_grid_region(std::string_view name) {
  for (const auto& r : kRegions)
    if (r.name == name) return &r;
  return nullptr;
}

}  // namespace moesim::workloads
