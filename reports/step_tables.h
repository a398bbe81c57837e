// moesim — the tables of the step report, as data that the HTML and Markdown renderers both read.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "reports/tier_load.h"

namespace moesim::reports {

/// One table cell: the text shown and, for a number, the exact value behind it (HTML data-value).
struct ReportCell {
  std::string text;
  std::optional<double> value;
  std::string key;      ///< the simulate-JSON key the value comes from ("" for labels and derived shares)
  bool numeric = true;  ///< a figure (right-aligned) rather than a name
};

/// One table of the step report: an id (HTML table id), a heading, column names, rows and a note under it.
struct ReportTable {
  std::string id;
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<ReportCell>> rows;
  std::string note;
};

/// The step report's tables, every number read from the simulate JSON `result` (step_json.h) or divided
/// from two of its numbers: summary; share of the step per activity; exposed communication per communicator;
/// idle time by cause (collective waits vs pipeline bubble); all-to-all bytes per link tier (with the
/// busiest link's utilisation); the mean and peak load of the traced devices' own links per tier
/// (`link_loads`, from the timeline; the cluster-wide utilisation of a tier is not in the result and the
/// note says so); memory per device against the accelerator's HBM.
std::vector<ReportTable> step_tables(const nlohmann::json& result,
                                     const std::vector<TierLoadSeries>& link_loads);

/// The per-device memory items (keys of `memory_bytes_per_device`) and their labels, in stacking order.
const std::vector<std::pair<std::string, std::string>>& memory_components();

}  // namespace moesim::reports
