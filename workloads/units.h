// moesim — physical quantities written with unit suffixes, converted once at parsing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace moesim {

/// The dimension of a quantity. Internally moesim uses SI base units only:
/// seconds, bytes, bytes per second, FLOPs, FLOP/s, watts, joules.
enum class Unit {
  kCount,      ///< dimensionless; suffixes k M G B(=1e9) T P, e.g. `1.2T`, `600e9`
  kBytes,      ///< bytes; B KB MB GB TB (1e3 steps) and KiB MiB GiB TiB (2^10 steps)
  kBandwidth,  ///< bytes per second; B/s KB/s MB/s GB/s TB/s, bits: Gb/s Gbps Tb/s
  kTime,       ///< seconds; ns us ms s min h d (day)
  kPower,      ///< watts; W kW MW
  kEnergy,     ///< joules; J kJ MJ Wh kWh MWh
  kFlopRate,   ///< FLOP/s; FLOP/s GFLOP/s TFLOP/s PFLOP/s (also FLOPS, TFLOPS)
  kFlops,      ///< FLOPs (an amount of work); FLOP GFLOP TFLOP PFLOP, or a plain count with k M G T P
};

/// Human-readable name of a unit's SI form, e.g. "bytes/s".
std::string_view unit_name(Unit unit);

/// Parses `text` (a number optionally followed by a unit suffix, spaces allowed between) as a quantity of
/// dimension `unit` and returns it in SI base units. Returns nullopt when the text is not a number or the
/// suffix does not belong to that dimension.
std::optional<double> parse_quantity(std::string_view text, Unit unit);

/// The suffixes accepted for `unit`, for error messages: "e.g. 400 GB/s, 200 Gb/s".
std::string_view unit_examples(Unit unit);

}  // namespace moesim
