#include "cli/collective_table.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "reports/csv_writer.h"
#include "reports/report_units.h"
#include "workloads/units.h"

namespace moesim::cli {
namespace {

std::string size_text(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", bytes);
  return buf;
}

/// nccl-tests' size syntax: a whole number of bytes with an optional K, M, G or T (powers of 1024), e.g.
/// 8, 128K, 1G; nullopt for anything else.
std::optional<double> nccl_size(const std::string& text) {
  static constexpr std::string_view kPrefixes = "KMGT";
  std::string_view digits(text);
  double factor = 1;
  if (const auto p = digits.empty() ? std::string_view::npos : kPrefixes.find(digits.back());
      p != std::string_view::npos) {
    factor = std::pow(1024.0, static_cast<double>(p + 1));
    digits.remove_suffix(1);
  }
  std::uint64_t n = 0;
  const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || r.ec != std::errc() || r.ptr != digits.data() + digits.size()) return std::nullopt;
  return static_cast<double>(n) * factor;
}

}  // namespace

std::optional<double> size_option(const std::string& text, const char* name) {
  if (text.empty()) return std::nullopt;
  auto v = nccl_size(text);
  if (!v) v = parse_quantity(text, Unit::kBytes);
  if (!v || !(*v > 0) || !std::isfinite(*v))
    throw UsageError{std::string(name) + " '" + text +
                     "': expected a positive size: bytes, nccl-tests style " +
                     "(8, 128K, 1G: powers of 1024) or " + std::string(unit_examples(Unit::kBytes))};
  return v;
}

/// nccl-tests' table: size, count (4-byte floats), type, time, algbw, busbw, plus the chosen algorithm.
void print_sweep_header(std::ostream& out, bool markdown) {
  if (markdown) {
    out << "| size (B) | count (elements) | type | time (µs) | algbw (GB/s) | busbw (GB/s) | algorithm |\n"
        << "|---:|---:|---|---:|---:|---:|---|\n";
    return;
  }
  char buf[160];
  std::snprintf(buf, sizeof buf, "#%13s %12s %6s %11s %9s %9s  %s\n", "size", "count", "type", "time",
                "algbw", "busbw", "algorithm");
  out << buf;
  // "(µs)" holds a two-byte character: one more byte keeps the column aligned on a terminal.
  std::snprintf(buf, sizeof buf, "#%13s %12s %6s %12s %9s %9s\n", "(B)", "(elements)", "", "(µs)", "(GB/s)",
                "(GB/s)");
  out << buf;
}

void print_sweep_row(std::ostream& out, const collectives::Measurement& m, double bytes, bool markdown) {
  const double count = std::floor(bytes / 4);
  char buf[256];
  if (markdown)
    std::snprintf(buf, sizeof buf, "| %s | %s | float | %.2f | %.2f | %.2f | %s |\n",
                  size_text(bytes).c_str(), size_text(count).c_str(), m.time_s * 1e6, m.algbw_Bps / 1e9,
                  m.busbw_Bps / 1e9, m.plan.label().c_str());
  else
    std::snprintf(buf, sizeof buf, " %13s %12s %6s %11.2f %9.2f %9.2f  %s\n", size_text(bytes).c_str(),
                  size_text(count).c_str(), "float", m.time_s * 1e6, m.algbw_Bps / 1e9, m.busbw_Bps / 1e9,
                  m.plan.label().c_str());
  out << buf;
}

/// The rows as CSV, one line per size, in SI units (the table's columns).
std::string rows_csv(const nlohmann::json& rows) {
  std::string out = reports::csv_line(
      {"size_bytes", "count_elements", "type", "time_s", "algbw_Bps", "busbw_Bps", "algorithm"});
  for (const auto& r : rows)
    out += reports::csv_line(
        {reports::exact_number(r.at("bytes").get<double>()),
         reports::exact_number(r.at("count_elements").get<double>()), r.at("type").get<std::string>(),
         reports::exact_number(r.at("time_s").get<double>()),
         reports::exact_number(r.at("algbw_Bps").get<double>()),
         reports::exact_number(r.at("busbw_Bps").get<double>()), r.at("algorithm").get<std::string>()});
  return out;
}

}  // namespace moesim::cli
