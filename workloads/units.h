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

/// Parses `text` (a number followed by a unit suffix, spaces allowed between) as a quantity of dimension
/// `unit` and returns it in SI base units. A bare number is accepted only for the dimensionless kCount and
/// kFlops: every other dimension needs its unit (`400` is not a bandwidth, `400 GB/s` is). Returns nullopt
/// when the text is not a number, the suffix does not belong to that dimension, the suffix is missing, or
/// the value in SI units is not finite (`1e308 TB`).
std::optional<double> parse_quantity(std::string_view text, Unit unit);

/// True when a quantity of dimension `unit` must carry a unit suffix (all but kCount and kFlops).
bool needs_unit(Unit unit);

/// True when `text` is a number without any suffix (`400`, `-3`, `1e9`).
bool is_plain_number(std::string_view text);

/// The values a scenario may give for a quantity of one dimension, in SI units: large enough for any real
/// cluster and small enough that every result computed from them stays finite.
struct QuantityRange {
  double min_positive;        ///< smallest value above zero (1 kB/s for a bandwidth; 0 = no floor)
  double max;                 ///< largest value
  std::string_view max_text;  ///< `max` as written in messages, e.g. "10 PB/s"
};
QuantityRange quantity_range(Unit unit);

/// The suffixes accepted for `unit`, for error messages: "e.g. 400 GB/s, 200 Gb/s".
std::string_view unit_examples(Unit unit);

}  // namespace moesim
