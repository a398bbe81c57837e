// moesim — HTML page frame and shared pieces.
#include "reports/html_page.h"

#include "reports/report_units.h"

namespace moesim::reports {
namespace {

constexpr const char* kStyle = R"css(
body { font-family: -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 0; background: #f4f6f8; color: #1d232a; }
header { background: #123; color: #fff; padding: 22px 36px 18px; }
header h1 { margin: 0 0 6px; font-size: 26px; }
header p { margin: 0; color: #c9d6e3; font-size: 14px; }
main { padding: 18px 36px 40px; max-width: 1100px; }
section { overflow-x: auto; background: #fff; border-radius: 8px; padding: 14px 20px; margin: 16px 0; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
h2 { font-size: 18px; margin: 4px 0 12px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { padding: 6px 10px; border-bottom: 1px solid #e3e7eb; text-align: left; }
th { background: #eef2f5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.better { color: #0a7d3b; font-weight: 600; }
td.worse { color: #b3361b; font-weight: 600; }
tr.failed td { color: #b3361b; }
.cards { display: flex; gap: 14px; flex-wrap: wrap; background: none; box-shadow: none; padding: 0; }
.card { flex: 1 1 200px; background: #fff; border-radius: 8px; padding: 14px 18px; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
.card .label { font-size: 13px; color: #56616c; }
.card .ratio { font-size: 30px; font-weight: 700; color: #0072B2; margin: 4px 0; }
.card .detail { font-size: 13px; color: #333; }
.note { font-size: 13px; color: #56616c; }
svg.chart { max-width: 100%; height: auto; display: block; margin: 6px 0 10px; }
)css";

std::string embed_json(const nlohmann::json& data) {
  const std::string text = data.dump();
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string html_page(const std::string& title, const std::string& body_html, const nlohmann::json& data) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>" +
         xml_escape(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n" + body_html +
         "<script type=\"application/json\" id=\"moesim-data\">" + embed_json(data) +
         "</script>\n</body>\n</html>\n";
}

std::string html_value_cell(const std::string& key, const std::string& run,
                            const std::optional<double>& value, const std::string& display) {
  std::string out =
      "<td class=\"num\" data-key=\"" + xml_escape(key) + "\" data-run=\"" + xml_escape(run) + "\"";
  if (value) out += " data-value=\"" + exact_number(*value) + "\"";
  return out + ">" + xml_escape(value ? display : "n/a") + "</td>";
}

}  // namespace moesim::reports
