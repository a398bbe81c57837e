// moesim tests — report test helpers.
#include "report_test_support.h"

#include <cctype>
#include <sstream>

namespace moesim::reports::test {

nlohmann::json sample_result(const std::string& model, double scale, bool moe) {
  nlohmann::json j;
  j["scenario"] = "sample-scenario";
  j["model"] = model;
  j["cluster"] = "tpuv4-pod";
  j["accelerator"] = "tpuv4";
  j["devices"] = 1024;
  j["backend"] = "analytic";
  j["compute_source"] = "roofline (no measured profile)";
  j["moesim_version"] = "0.1.0";
  j["params_total"] = moe ? 1.162e12 : 1.746e11;
  j["params_activated"] = moe ? 9.66e10 : 1.746e11;
  j["flops_per_token_fwd"] = moe ? 1.8e11 : 3.5e11;
  j["flops_per_token_train"] = moe ? 5.4e11 : 1.05e12;
  j["a2a_bytes_per_token"] = moe ? 2.1e6 : 0.0;
  j["tokens_per_step"] = 1048576;
  j["step_time_s"] = 1.25 * scale;
  j["tokens_per_s"] = 1048576 / (1.25 * scale);
  j["mfu"] = 0.41 / scale;
  j["breakdown_s"] = {{"compute_s", 0.8 * scale},
                      {"memory_bound_s", 0.1 * scale},
                      {"exposed_a2a_s", moe ? 0.2 * scale : 0.0},
                      {"exposed_allreduce_s", 0.1 * scale},
                      {"pipeline_p2p_s", moe ? 0.0 : 0.03 * scale},
                      {"idle_s", 0.05 * scale}};
  j["a2a_bytes_per_step"] = moe ? 3.3e12 : 0.0;
  j["a2a_bytes_per_tier"] =
      moe ? nlohmann::json{{"ici", 2.9e12}, {"host", 4.0e11}} : nlohmann::json::object();
  j["busiest_link"] = moe ? nlohmann::json{{"name", "chip3->chip7"}, {"tier", "ici"}, {"utilisation", 0.62}}
                          : nlohmann::json(nullptr);
  j["routing"] =
      moe ? nlohmann::json{{"distribution", "uniform"}, {"dropped_fraction", 0.0}, {"imbalance", 1.0}}
          : nlohmann::json(nullptr);
  j["energy_j_per_step"] = 4.2e5 * scale;
  j["time_to_train_s"] = 600e9 / 1048576 * 1.25 * scale;
  j["accelerator_hours_run"] = j["time_to_train_s"].get<double>() * 1024 / 3600;
  j["energy_mwh_run"] = 600e9 / 1048576 * 4.2e5 * scale / 3.6e9;
  j["tco2e_run"] = j["energy_mwh_run"].get<double>() * 0.088;
  j["cost_usd_run"] = nullptr;
  j["simulator_wall_s"] = 0.5;
  return j;
}

std::string small_pipeline_moe_yaml() {
  return R"(
name: small-pipeline-moe
model:
  name: small-moe
  layers: 8
  d_model: 1024
  n_heads: 16
  d_head: 64
  d_ff: 4096
  vocab: 32000
  tied_embeddings: true
  experts: 16
  expert_d_ff: 4096
  moe_every: 2
  top_k: 2
  gating: top2
  capacity_factor: 2.0
cluster:
  preset: dgx-h100-superpod
  devices: 64
parallelism:
  data: 32
  expert: 16
  pipeline: 2
  micro_batches: 4
training:
  global_batch_sequences: 256
  sequence_length: 1024
  precision: bf16
simulation:
  backend: analytic
  trace_devices: [5, 40, 63]
)";
}

namespace {

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.';
}

std::string check_entities(const std::string& s, std::size_t base) {
  for (std::size_t i = s.find('&'); i != std::string::npos; i = s.find('&', i + 1)) {
    const auto semi = s.find(';', i);
    if (semi == std::string::npos) return "unterminated entity at " + std::to_string(base + i);
    const std::string e = s.substr(i + 1, semi - i - 1);
    const bool ok =
        e == "amp" || e == "lt" || e == "gt" || e == "quot" || e == "apos" || (e.size() > 1 && e[0] == '#');
    if (!ok) return "unknown entity &" + e + "; at " + std::to_string(base + i);
  }
  return "";
}

}  // namespace

std::string xml_problem(const std::string& text) {
  std::vector<std::string> stack;
  std::size_t i = 0;
  int roots = 0;
  if (text.rfind("<!DOCTYPE", 0) == 0) i = text.find('>') + 1;
  while (i < text.size()) {
    const auto lt = text.find('<', i);
    const std::string chars = text.substr(i, lt == std::string::npos ? std::string::npos : lt - i);
    if (auto p = check_entities(chars, i); !p.empty()) return p;
    if (stack.empty() && chars.find_first_not_of(" \t\r\n") != std::string::npos)
      return "text outside the root element at " + std::to_string(i);
    if (lt == std::string::npos) break;
    if (text.compare(lt, 4, "<!--") == 0) {
      const auto end = text.find("-->", lt);
      if (end == std::string::npos) return "unterminated comment";
      i = end + 3;
      continue;
    }
    const auto gt = text.find('>', lt);
    if (gt == std::string::npos) return "unterminated tag at " + std::to_string(lt);
    std::string tag = text.substr(lt + 1, gt - lt - 1);
    if (!tag.empty() && tag[0] == '/') {
      const std::string name = tag.substr(1);
      if (stack.empty() || stack.back() != name)
        return "closing </" + name + "> does not match <" + (stack.empty() ? "" : stack.back()) + "> at " +
               std::to_string(lt);
      stack.pop_back();
      i = gt + 1;
      continue;
    }
    const bool self_closing = !tag.empty() && tag.back() == '/';
    if (self_closing) tag.pop_back();
    std::size_t k = 0;
    while (k < tag.size() && name_char(tag[k])) ++k;
    const std::string name = tag.substr(0, k);
    if (name.empty()) return "empty tag name at " + std::to_string(lt);
    // attributes: name="value" separated by spaces
    while (k < tag.size()) {
      while (k < tag.size() && std::isspace(static_cast<unsigned char>(tag[k]))) ++k;
      if (k >= tag.size()) break;
      const std::size_t a0 = k;
      while (k < tag.size() && name_char(tag[k])) ++k;
      if (k == a0 || k >= tag.size() || tag[k] != '=' || k + 1 >= tag.size() || tag[k + 1] != '"')
        return "malformed attribute in <" + name + "> at " + std::to_string(lt);
      const auto close = tag.find('"', k + 2);
      if (close == std::string::npos) return "unterminated attribute value in <" + name + ">";
      const std::string value = tag.substr(k + 2, close - k - 2);
      if (value.find('<') != std::string::npos) return "'<' in an attribute value of <" + name + ">";
      if (auto p = check_entities(value, lt); !p.empty()) return p;
      k = close + 1;
    }
    if (stack.empty()) ++roots;
    if (!self_closing) stack.push_back(name);
    i = gt + 1;
  }
  if (!stack.empty()) return "unclosed <" + stack.back() + ">";
  if (roots != 1) return "expected one root element, found " + std::to_string(roots);
  return "";
}

std::vector<Element> elements(const std::string& text, const std::string& tag) {
  std::vector<Element> out;
  for (std::size_t lt = text.find('<'); lt != std::string::npos; lt = text.find('<', lt + 1)) {
    if (lt + 1 >= text.size() || text[lt + 1] == '/' || text[lt + 1] == '!') continue;
    const auto gt = text.find('>', lt);
    if (gt == std::string::npos) break;
    std::string body = text.substr(lt + 1, gt - lt - 1);
    if (!body.empty() && body.back() == '/') body.pop_back();
    std::size_t k = 0;
    while (k < body.size() && name_char(body[k])) ++k;
    Element e;
    e.tag = body.substr(0, k);
    if (!tag.empty() && e.tag != tag) continue;
    while (k < body.size()) {
      while (k < body.size() && std::isspace(static_cast<unsigned char>(body[k]))) ++k;
      const std::size_t a0 = k;
      while (k < body.size() && name_char(body[k])) ++k;
      if (k >= body.size() || body[k] != '=') break;
      const auto close = body.find('"', k + 2);
      e.attributes[body.substr(a0, k - a0)] = body.substr(k + 2, close - k - 2);
      k = close + 1;
    }
    const auto next = text.find('<', gt);
    e.text = text.substr(gt + 1, next == std::string::npos ? std::string::npos : next - gt - 1);
    out.push_back(e);
  }
  return out;
}

std::string between(const std::string& text, const std::string& open, const std::string& close) {
  const auto a = text.find(open);
  if (a == std::string::npos) return "";
  const auto b = text.find(close, a + open.size());
  if (b == std::string::npos) return "";
  return text.substr(a + open.size(), b - a - open.size());
}

}  // namespace moesim::reports::test
