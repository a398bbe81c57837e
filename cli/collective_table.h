// moesim — `moesim collective`'s nccl-tests-style size sweep: the size syntax of -b/-e and the table's
// rows as text, Markdown and CSV.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>

#include "cli/command.h"
#include "sim/collectives/measure.h"

namespace moesim::cli {

/// A size option: nccl-tests' syntax (8, 128K, 1G: powers of 1024) or a quantity with a byte unit; nullopt
/// for an empty text. Throws UsageError naming `name` for anything else or a size that is not positive.
std::optional<double> size_option(const std::string& text, const char* name);

/// nccl-tests' table: size, count (4-byte floats), type, time, algbw, busbw, plus the chosen algorithm.
void print_sweep_header(std::ostream& out, bool markdown);

/// One row of that table for `m`, measured at `bytes`.
void print_sweep_row(std::ostream& out, const collectives::Measurement& m, double bytes, bool markdown);

/// The JSON rows (bytes, count_elements, type, time_s, algbw_Bps, busbw_Bps, algorithm) as CSV, SI units.
std::string rows_csv(const nlohmann::json& rows);

}  // namespace moesim::cli
