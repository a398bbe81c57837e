#include "workloads/units.h"

#include <array>
#include <charconv>
#include <cmath>
#include <utility>

namespace moesim {
namespace {

struct Suffix {
  std::string_view text;
  double factor;
};

constexpr double kKi = 1024.0;

// Suffix tables: the empty suffix means the SI base unit itself.
constexpr std::array kCountSuffixes{Suffix{"", 1},    Suffix{"k", 1e3}, Suffix{"K", 1e3},  Suffix{"M", 1e6},
                                    Suffix{"G", 1e9}, Suffix{"B", 1e9}, Suffix{"T", 1e12}, Suffix{"P", 1e15}};
constexpr std::array kBytesSuffixes{Suffix{"B", 1},
                                    Suffix{"KB", 1e3},
                                    Suffix{"kB", 1e3},
                                    Suffix{"MB", 1e6},
                                    Suffix{"GB", 1e9},
                                    Suffix{"TB", 1e12},
                                    Suffix{"KiB", kKi},
                                    Suffix{"MiB", kKi* kKi},
                                    Suffix{"GiB", kKi* kKi* kKi},
                                    Suffix{"TiB", kKi* kKi* kKi* kKi}};
constexpr std::array kBandwidthSuffixes{Suffix{"B/s", 1},
                                        Suffix{"KB/s", 1e3},
                                        Suffix{"kB/s", 1e3},
                                        Suffix{"MB/s", 1e6},
                                        Suffix{"GB/s", 1e9},
                                        Suffix{"TB/s", 1e12},
                                        Suffix{"GiB/s", kKi* kKi* kKi},
                                        Suffix{"b/s", 1.0 / 8},
                                        Suffix{"Mb/s", 1e6 / 8},
                                        Suffix{"Mbps", 1e6 / 8},
                                        Suffix{"Gb/s", 1e9 / 8},
                                        Suffix{"Gbps", 1e9 / 8},
                                        Suffix{"Tb/s", 1e12 / 8},
                                        Suffix{"Tbps", 1e12 / 8}};
constexpr std::array kTimeSuffixes{
    Suffix{"s", 1},    Suffix{"ns", 1e-9}, Suffix{"us", 1e-6}, Suffix{"\xC2\xB5s", 1e-6}, Suffix{"ms", 1e-3},
    Suffix{"min", 60}, Suffix{"h", 3600},  Suffix{"d", 86400}, Suffix{"days", 86400}};
constexpr std::array kPowerSuffixes{Suffix{"W", 1}, Suffix{"kW", 1e3}, Suffix{"MW", 1e6}};
constexpr std::array kEnergySuffixes{Suffix{"J", 1},       Suffix{"kJ", 1e3},    Suffix{"MJ", 1e6},
                                     Suffix{"Wh", 3600},   Suffix{"kWh", 3.6e6}, Suffix{"MWh", 3.6e9},
                                     Suffix{"GWh", 3.6e12}};
constexpr std::array kFlopRateSuffixes{
    Suffix{"FLOP/s", 1},     Suffix{"FLOPS", 1},     Suffix{"GFLOP/s", 1e9},  Suffix{"GFLOPS", 1e9},
    Suffix{"TFLOP/s", 1e12}, Suffix{"TFLOPS", 1e12}, Suffix{"PFLOP/s", 1e15}, Suffix{"PFLOPS", 1e15}};
constexpr std::array kFlopsSuffixes{Suffix{"", 1},         Suffix{"FLOP", 1},    Suffix{"k", 1e3},
                                    Suffix{"M", 1e6},      Suffix{"G", 1e9},     Suffix{"T", 1e12},
                                    Suffix{"P", 1e15},     Suffix{"GFLOP", 1e9}, Suffix{"TFLOP", 1e12},
                                    Suffix{"PFLOP", 1e15}, Suffix{"EFLOP", 1e18}};

template <std::size_t N>
std::optional<double> factor_in(const std::array<Suffix, N>& table, std::string_view suffix) {
  for (const auto& s : table) {
    if (s.text == suffix) return s.factor;
  }
  return std::nullopt;
}

std::optional<double> factor_for(Unit unit, std::string_view suffix) {
  switch (unit) {
    case Unit::kCount:
      return factor_in(kCountSuffixes, suffix);
    case Unit::kBytes:
      return factor_in(kBytesSuffixes, suffix);
    case Unit::kBandwidth:
      return factor_in(kBandwidthSuffixes, suffix);
    case Unit::kTime:
      return factor_in(kTimeSuffixes, suffix);
    case Unit::kPower:
      return factor_in(kPowerSuffixes, suffix);
    case Unit::kEnergy:
      return factor_in(kEnergySuffixes, suffix);
    case Unit::kFlopRate:
      return factor_in(kFlopRateSuffixes, suffix);
    case Unit::kFlops:
      return factor_in(kFlopsSuffixes, suffix);
  }
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view unit_name(Unit unit) {
  switch (unit) {
    case Unit::kCount:
      return "count";
    case Unit::kBytes:
      return "bytes";
    case Unit::kBandwidth:
      return "bytes/s";
    case Unit::kTime:
      return "s";
    case Unit::kPower:
      return "W";
    case Unit::kEnergy:
      return "J";
    case Unit::kFlopRate:
      return "FLOP/s";
    case Unit::kFlops:
      return "FLOPs";
  }
  return "?";
}

std::string_view unit_examples(Unit unit) {
  switch (unit) {
    case Unit::kCount:
      return "a number such as 2048, 600e9 or 1.2T";
    case Unit::kBytes:
      return "a size such as 80 GB, 32 GiB or 4096 B";
    case Unit::kBandwidth:
      return "a bandwidth such as 400 GB/s, 200 Gb/s or 50e9 B/s";
    case Unit::kTime:
      return "a time such as 2 us, 1.5 ms or 3 s";
    case Unit::kPower:
      return "a power such as 700 W or 10.2 kW";
    case Unit::kEnergy:
      return "an energy such as 5 kJ or 456 MWh";
    case Unit::kFlopRate:
      return "a FLOP rate such as 989 TFLOP/s or 989e12 FLOP/s";
    case Unit::kFlops:
      return "an amount of work such as 3.14e23 or 180 GFLOP";
  }
  return "a quantity";
}

std::optional<double> parse_quantity(std::string_view text, Unit unit) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  double value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || !std::isfinite(value)) return std::nullopt;
  std::string_view suffix = trim(std::string_view(ptr, static_cast<std::size_t>(end - ptr)));
  auto factor = factor_for(unit, suffix);
  if (!factor) return std::nullopt;
  const double si = value * *factor;  // 1e308 TB overflows here: finiteness is checked after the factor
  if (!std::isfinite(si)) return std::nullopt;
  return si;
}

bool needs_unit(Unit unit) {
  return unit != Unit::kCount && unit != Unit::kFlops;
}

bool is_plain_number(std::string_view text) {
  text = trim(text);
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) text.remove_prefix(1);
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && ec == std::errc() && ptr == text.data() + text.size();
}

QuantityRange quantity_range(Unit unit) {
  switch (unit) {
    case Unit::kCount:
      return {0, 1e30, "1e30"};
    case Unit::kBytes:
      return {0, 1e18, "1 EB"};
    case Unit::kBandwidth:
      return {1e3, 1e16, "10 PB/s"};
    case Unit::kTime:
      return {0, 1e6, "1e6 s (11.6 days)"};
    case Unit::kPower:
      return {0, 1e7, "10 MW"};
    case Unit::kEnergy:
      return {0, 1e18, "1e18 J"};
    case Unit::kFlopRate:
      return {0, 1e21, "1e21 FLOP/s (1 ZFLOP/s)"};
    case Unit::kFlops:
      return {0, 1e30, "1e30 FLOP"};
  }
  return {0, 1e18, "1e18"};
}

}  // namespace moesim
