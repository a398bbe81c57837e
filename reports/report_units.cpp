// moesim — formatting of report numbers with their units.
#include "reports/report_units.h"

#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <utility>
#include <iterator>
#include <sstream>

namespace moesim::reports {

std::string unit_label(Measure measure) {
  switch (measure) {
    case Measure::kParams:
      return "B";
    case Measure::kFlops:
      return "GFLOPs";
    case Measure::kSeconds:
      return "s";
    case Measure::kDuration:
      return "days";
    case Measure::kTokensPerS:
      return "tokens/s";
    case Measure::kTokens:
      return "tokens";
    case Measure::kFraction:
      return "%";
    case Measure::kHours:
      return "accelerator-h";
    case Measure::kJoules:
      return "MJ";
    case Measure::kMWh:
      return "MWh";
    case Measure::kTco2e:
      return "tCO2e";
    case Measure::kUsd:
      return "USD";
    case Measure::kBytes:
      return "GB";
    case Measure::kBytesPerS:
      return "GB/s";
  }
  return "";
}

std::string json_unit(Measure measure) {
  switch (measure) {
    case Measure::kParams:
      return "params";
    case Measure::kFlops:
      return "FLOPs";
    case Measure::kSeconds:
    case Measure::kDuration:
      return "s";
    case Measure::kTokensPerS:
      return "tokens/s";
    case Measure::kTokens:
      return "tokens";
    case Measure::kFraction:
      return "fraction";
    case Measure::kHours:
      return "accelerator-h";
    case Measure::kJoules:
      return "J";
    case Measure::kMWh:
      return "MWh";
    case Measure::kTco2e:
      return "tCO2e";
    case Measure::kUsd:
      return "USD";
    case Measure::kBytes:
      return "bytes";
    case Measure::kBytesPerS:
      return "B/s";
  }
  return "";
}

double to_display_unit(Measure measure, double value) {
  switch (measure) {
    case Measure::kParams:
      return value / 1e9;
    case Measure::kFlops:
      return value / 1e9;
    case Measure::kDuration:
      return value / 86400.0;
    case Measure::kFraction:
      return value * 100.0;
    case Measure::kJoules:
      return value / 1e6;
    case Measure::kBytes:
    case Measure::kBytesPerS:
      return value / 1e9;
    default:
      return value;
  }
}

std::string format_number(double value, int significant) {
  if (!std::isfinite(value)) return std::isnan(value) ? "nan" : (value > 0 ? "inf" : "-inf");
  if (value == 0) return "0";
  const double magnitude = std::floor(std::log10(std::fabs(value)));
  // Large numbers: no exponent, no decimals beyond what the significant digits ask for.
  if (magnitude >= 15 || magnitude < -6) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*e", significant - 1, value);
    return buf;
  }
  const int decimals = std::max(0, significant - 1 - static_cast<int>(magnitude));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

namespace {

/// `value` in the first of `scales` (largest first) it reaches, the last one otherwise.
std::string below(double value, std::initializer_list<std::pair<double, const char*>> scales) {
  const std::pair<double, const char*>* pick = nullptr;
  for (const auto& s : scales) {
    pick = &s;
    if (std::fabs(value) >= s.first) break;
  }
  return format_number(value / pick->first) + pick->second;
}

}  // namespace

std::string format_value(Measure measure, double value) {
  switch (measure) {
    case Measure::kSeconds:
      if (std::fabs(value) < 1e-3 && value != 0) return format_number(value * 1e6) + " µs";
      if (std::fabs(value) < 1.0 && value != 0) return format_number(value * 1e3) + " ms";
      return format_number(value) + " s";
    case Measure::kDuration:
      if (std::fabs(value) < 2 * 86400.0) return format_number(value / 3600.0) + " h";
      return format_number(value / 86400.0) + " days";
    case Measure::kUsd:
    case Measure::kHours: {
      const std::string u = measure == Measure::kUsd ? "USD" : "accelerator-h";
      if (std::fabs(value) >= 1e6) return format_number(value / 1e6) + " M " + u;
      if (std::fabs(value) >= 1e4) return format_number(value / 1e3) + " k " + u;
      return format_number(value) + " " + u;
    }
    case Measure::kBytes:
      if (std::fabs(value) >= 1e12) return format_number(value / 1e12) + " TB";
      if (std::fabs(value) >= 1e9 || value == 0) return format_number(value / 1e9) + " GB";
      return below(value, {{1e6, " MB"}, {1e3, " kB"}, {1, " B"}});
    case Measure::kParams:
      if (std::fabs(value) >= 1e9 || value == 0) return format_number(value / 1e9) + " B";
      return below(value, {{1e6, " M"}, {1e3, " k"}, {1, ""}});
    case Measure::kFlops:
      if (std::fabs(value) >= 1e9 || value == 0) return format_number(value / 1e9) + " GFLOPs";
      return below(value, {{1e6, " MFLOPs"}, {1e3, " kFLOPs"}, {1, " FLOPs"}});
    case Measure::kJoules:
      if (std::fabs(value) >= 1e6 || value == 0) return format_number(value / 1e6) + " MJ";
      return below(value, {{1e3, " kJ"}, {1, " J"}});
    case Measure::kBytesPerS: {
      static constexpr const char* kPrefixes[] = {"", "k", "M", "G", "T", "P"};
      std::size_t i = 0;
      double v = value;
      while (std::fabs(v) >= 1000 && i + 1 < std::size(kPrefixes)) {
        v /= 1000;
        ++i;
      }
      return format_number(v) + " " + kPrefixes[i] + "B/s";
    }
    case Measure::kTokens:
    case Measure::kTokensPerS: {
      const std::string u = measure == Measure::kTokens ? "tokens" : "tokens/s";
      if (std::fabs(value) >= 1e9)
        return format_number(value / 1e9) + (measure == Measure::kTokens ? " B " : " G ") + u;
      if (std::fabs(value) >= 1e6) return format_number(value / 1e6) + " M " + u;
      if (std::fabs(value) >= 1e4) return format_number(value / 1e3) + " k " + u;
      return format_number(value) + " " + u;
    }
    default:
      return format_number(to_display_unit(measure, value)) + " " + unit_label(measure);
  }
}

std::string format_ratio(std::optional<double> a, std::optional<double> b) {
  if (!a || !b || *b == 0) return "n/a";
  return format_number(*a / *b, 3) + "×";
}

std::string exact_number(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  return buf;
}

std::optional<double> number_at(const nlohmann::json& doc, std::string_view path) {
  const nlohmann::json* node = &doc;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = path.find('.', start);
    const std::string part(
        path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (!node->is_object()) return std::nullopt;
    const auto it = node->find(part);
    if (it == node->end()) return std::nullopt;
    node = &*it;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (!node->is_number()) return std::nullopt;
  return node->get<double>();
}

std::string string_at(const nlohmann::json& doc, std::string_view path, const std::string& fallback) {
  const auto it = doc.find(std::string(path));
  if (it == doc.end() || it->is_null()) return fallback;
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

std::string provenance(const nlohmann::json& result) {
  return "moesim " + string_at(result, "moesim_version") + ", network backend " +
         string_at(result, "backend") + ", compute model " + string_at(result, "compute_source");
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace moesim::reports
