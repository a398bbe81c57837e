// moesim — CSV rendering.
#include "reports/csv_writer.h"

#include "reports/comparison.h"
#include "reports/report_units.h"
#include "reports/sweep_document.h"

namespace moesim::reports {
namespace {

std::string raw(const nlohmann::json& doc, const std::string& key) {
  const auto v = number_at(doc, key);
  return v ? exact_number(*v) : "";
}

/// The number or boolean at dotted `key`, as CSV text ("" when absent or null).
std::string scalar_text(const nlohmann::json& doc, const std::string& key) {
  const nlohmann::json* j = &doc;
  for (std::size_t start = 0;;) {
    const auto dot = key.find('.', start);
    const auto it = j->find(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (it == j->end()) return "";
    j = &*it;
    if (dot == std::string::npos) break;
    if (!j->is_object()) return "";
    start = dot + 1;
  }
  if (j->is_boolean()) return j->get<bool>() ? "true" : "false";
  return j->is_number() ? exact_number(j->get<double>()) : "";
}

}  // namespace

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    const std::string& f = fields[i];
    if (f.find_first_of(",\"\r\n") == std::string::npos) {
      out += f;
      continue;
    }
    out += '"';
    for (const char c : f) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  return out + "\n";
}

std::string compare_csv(const nlohmann::json& doc) {
  const auto sides = compare_sides(doc);
  const nlohmann::json& moe = *sides[0].result;
  const nlohmann::json& dense = *sides[1].result;
  std::string out = csv_line(
      {"metric", "label", "unit", sides[0].key, sides[1].key, sides[0].key + "_over_" + sides[1].key});
  const auto row = [&](const std::string& key, const std::string& label, const std::string& unit) {
    const auto a = number_at(moe, key), b = number_at(dense, key);
    out += csv_line(
        {key, label, unit, raw(moe, key), raw(dense, key), (a && b && *b != 0) ? exact_number(*a / *b) : ""});
  };
  for (const auto& m : comparison_metrics()) row(m.key, m.label, json_unit(m.measure));
  for (const auto& [key, label] : breakdown_components())
    row("breakdown_s." + key, "step time: " + label, "s");
  for (const auto& t : a2a_tiers(moe, dense)) {
    const auto a = tier_bytes(moe, t), b = tier_bytes(dense, t);
    out +=
        csv_line({"a2a_bytes_per_tier." + t, "all-to-all bytes on " + t, "bytes", a ? exact_number(*a) : "",
                  b ? exact_number(*b) : "", (a && b && *b != 0) ? exact_number(*a / *b) : ""});
  }
  return out;
}

std::string sweep_csv(const nlohmann::json& doc) {
  const auto axes = document_axes(doc);
  std::vector<std::string> header{"index"};
  for (const auto& a : axes) header.push_back(a.key);
  for (const char* k : {"ok", "error_kind", "error"}) header.emplace_back(k);
  const auto metrics = sweep_metric_keys(doc);
  header.insert(header.end(), metrics.begin(), metrics.end());
  std::string out = csv_line(header);
  for (const auto& p : doc.at("points")) {
    std::vector<std::string> f{std::to_string(p.at("index").get<std::size_t>())};
    for (const auto& s : p.at("settings")) f.push_back(s.at(1).get<std::string>());
    const bool ok = p.value("ok", false);
    f.push_back(ok ? "true" : "false");
    f.push_back(p.value("error_kind", ""));
    f.push_back(p.value("error", ""));
    for (const auto& k : metrics) f.push_back(ok ? scalar_text(p.at("result"), k) : "");
    out += csv_line(f);
  }
  return out;
}

}  // namespace moesim::reports
