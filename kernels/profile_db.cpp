#include "kernels/profile_db.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "kernels/json_document.h"
#include "workloads/config_error.h"

namespace moesim::kernels {
namespace {

/// Typed reads from the parsed profile DB: a missing key, a wrong type or an out-of-range number throws a
/// ConfigError naming the file, the line and the key's path ("entries[3].median_s").
class Reader {
 public:
  Reader(const JsonDocument& doc, const std::string& file) : doc_(doc), file_(file) {}

  /// An object of the document: its value and JSON pointer, and the key path for messages ("entries[0].").
  struct Node {
    const nlohmann::json& value;
    std::string pointer;
    std::string path;
  };

  [[noreturn]] void fail(const std::string& pointer, const std::string& key,
                         const std::string& expected) const {
    throw ConfigError(file_, doc_.line(pointer), key, expected);
  }
  const nlohmann::json& get(const Node& o, const std::string& key,
                            bool (nlohmann::json::*is)() const noexcept, const char* what) const {
    const auto it = o.value.find(key);
    if (it == o.value.end()) fail(o.pointer, o.path + key, std::string("a key '") + key + "' (" + what + ")");
    if (!((*it).*is)())
      fail(json_pointer_child(o.pointer, key), o.path + key, std::string("expected ") + what);
    return *it;
  }
  std::string str(const Node& o, const std::string& key) const {
    return get(o, key, &nlohmann::json::is_string, "a string").get<std::string>();
  }
  double num(const Node& o, const std::string& key, double lo = 0.0) const {
    const double v = get(o, key, &nlohmann::json::is_number, "a number").get<double>();
    if (!(v >= lo)) fail(json_pointer_child(o.pointer, key), o.path + key, "a number >= " + json_number(lo));
    return v;
  }
  int integer(const Node& o, const std::string& key, int lo) const {
    const double d = num(o, key, lo);
    if (d != static_cast<double>(static_cast<long long>(d)) || d > 2e9)
      fail(json_pointer_child(o.pointer, key), o.path + key, "an integer");
    return static_cast<int>(d);
  }
  bool boolean(const Node& o, const std::string& key) const {
    return get(o, key, &nlohmann::json::is_boolean, "true or false").get<bool>();
  }
  void only(const Node& o, const std::vector<std::string>& keys) const {
    for (const auto& [k, v] : o.value.items()) {
      if (std::find(keys.begin(), keys.end(), k) == keys.end())
        fail(json_pointer_child(o.pointer, k), o.path + k, "no such key (unknown key in a profile DB)");
    }
  }

 private:
  const JsonDocument& doc_;
  const std::string& file_;
};

ProfileHeader read_header(const Reader& rd, const Reader::Node& root) {
  rd.only(root, {"format", "gpu", "sm_count", "sm_clock_mhz", "mem_clock_mhz", "l2_bytes", "driver_version",
                 "cuda_runtime_version", "date", "peak_flops", "mem_bw_Bps", "peak_source", "entries"});
  if (rd.str(root, "format") != kProfileFormat)
    rd.fail("/format", "format", std::string("\"") + kProfileFormat + "\"");
  ProfileHeader h;
  h.gpu = rd.str(root, "gpu");
  if (h.gpu.empty()) rd.fail("/gpu", "gpu", "a non-empty GPU name");
  h.sm_count = rd.integer(root, "sm_count", 1);
  h.sm_clock_mhz = rd.num(root, "sm_clock_mhz");
  h.mem_clock_mhz = rd.num(root, "mem_clock_mhz");
  h.l2_bytes = rd.num(root, "l2_bytes");
  h.driver_version = rd.str(root, "driver_version");
  h.cuda_runtime_version = rd.str(root, "cuda_runtime_version");
  h.date = rd.str(root, "date");
  h.peak_flops = rd.num(root, "peak_flops", 1.0);
  h.mem_bw_Bps = rd.num(root, "mem_bw_Bps", 1.0);
  h.peak_source = rd.str(root, "peak_source");
  return h;
}

ProfileEntry read_entry(const Reader& rd, const Reader::Node& e) {
  rd.only(e, {"kernel", "impl", "tokens", "d_model", "d_ff", "experts", "k", "glu", "zipf_s", "median_s",
              "p10_s", "p90_s", "reps", "flops", "bytes", "flops_per_s", "bytes_per_s"});
  ProfileEntry p;
  const auto k = kernel_kind_from_string(rd.str(e, "kernel"));
  if (!k)
    rd.fail(e.pointer + "/kernel", e.path + "kernel",
            "one of router_gemm, gating, dispatch, expert_up, expert_down, combine");
  p.kind = *k;
  p.impl = rd.str(e, "impl");
  p.shape.tokens = rd.integer(e, "tokens", 1);
  p.shape.d_model = rd.integer(e, "d_model", 0);
  p.shape.d_ff = rd.integer(e, "d_ff", 0);
  p.shape.experts = rd.integer(e, "experts", 0);
  p.shape.k = rd.integer(e, "k", 1);
  p.shape.glu = rd.boolean(e, "glu");
  p.shape.zipf_s = rd.num(e, "zipf_s");
  p.median_s = rd.num(e, "median_s", 1e-12);
  p.p10_s = rd.num(e, "p10_s", 1e-12);
  p.p90_s = rd.num(e, "p90_s", 1e-12);
  if (!(p.p10_s <= p.median_s && p.median_s <= p.p90_s))
    rd.fail(e.pointer, e.path + "median_s", "p10_s <= median_s <= p90_s");
  p.reps = rd.integer(e, "reps", 1);
  p.flops = rd.num(e, "flops");
  p.bytes = rd.num(e, "bytes");
  rd.num(e, "flops_per_s");
  rd.num(e, "bytes_per_s");
  return p;
}

}  // namespace

ProfileDb parse_profile_db(const std::string& json_text, const std::string& file) {
  const JsonDocument doc = parse_json(json_text, file);
  const Reader rd(doc, file);
  if (!doc.root.is_object()) rd.fail("", "", "a JSON object");
  const Reader::Node root{doc.root, "", ""};
  ProfileDb db;
  db.header = read_header(rd, root);
  const auto& entries = rd.get(root, "entries", &nlohmann::json::is_array, "an array");
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Reader::Node e{entries[i], "/entries/" + std::to_string(i), "entries[" + std::to_string(i) + "]."};
    if (!e.value.is_object()) rd.fail(e.pointer, e.path, "an object");
    db.entries.push_back(read_entry(rd, e));
  }
  return db;
}

ProfileDb read_profile_db(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path, 0, "", "a readable profile DB file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_profile_db(ss.str(), path);
}

std::string profile_gpu_mismatch(const ProfileDb& db, const std::string& cuda_name,
                                 const std::string& accelerator) {
  if (!cuda_name.empty() && db.header.gpu.rfind(cuda_name, 0) == 0) return "";
  const std::string want = cuda_name.empty() ? "which is not a GPU" : "CUDA name " + json_quote(cuda_name);
  return "a profile measured on the scenario's accelerator " + accelerator + " (" + want +
         "); this one was measured on " + json_quote(db.header.gpu);
}

void check_profile_gpu(const ProfileDb& db, const std::string& cuda_name, const std::string& accelerator,
                       const std::string& file, const std::string& key) {
  const std::string why = profile_gpu_mismatch(db, cuda_name, accelerator);
  if (!why.empty()) throw ConfigError(file, 0, key, why);
}

std::string profile_db_to_json(const ProfileDb& db) {
  const ProfileHeader& h = db.header;
  std::ostringstream o;
  o << "{\n  \"format\": " << json_quote(kProfileFormat) << ",\n  \"gpu\": " << json_quote(h.gpu)
    << ",\n  \"sm_count\": " << h.sm_count << ",\n  \"sm_clock_mhz\": " << json_number(h.sm_clock_mhz)
    << ",\n  \"mem_clock_mhz\": " << json_number(h.mem_clock_mhz)
    << ",\n  \"l2_bytes\": " << json_number(h.l2_bytes)
    << ",\n  \"driver_version\": " << json_quote(h.driver_version)
    << ",\n  \"cuda_runtime_version\": " << json_quote(h.cuda_runtime_version)
    << ",\n  \"date\": " << json_quote(h.date) << ",\n  \"peak_flops\": " << json_number(h.peak_flops)
    << ",\n  \"mem_bw_Bps\": " << json_number(h.mem_bw_Bps)
    << ",\n  \"peak_source\": " << json_quote(h.peak_source) << ",\n  \"entries\": [";
  for (size_t i = 0; i < db.entries.size(); ++i) {
    const ProfileEntry& e = db.entries[i];
    o << (i ? ",\n" : "\n") << "    {\"kernel\": " << json_quote(to_string(e.kind))
      << ", \"impl\": " << json_quote(e.impl) << ", \"tokens\": " << e.shape.tokens
      << ", \"d_model\": " << e.shape.d_model << ", \"d_ff\": " << e.shape.d_ff
      << ", \"experts\": " << e.shape.experts << ", \"k\": " << e.shape.k
      << ", \"glu\": " << (e.shape.glu ? "true" : "false") << ", \"zipf_s\": " << json_number(e.shape.zipf_s)
      << ", \"median_s\": " << json_number(e.median_s) << ", \"p10_s\": " << json_number(e.p10_s)
      << ", \"p90_s\": " << json_number(e.p90_s) << ", \"reps\": " << e.reps
      << ", \"flops\": " << json_number(e.flops) << ", \"bytes\": " << json_number(e.bytes)
      << ", \"flops_per_s\": " << json_number(e.flops_per_s())
      << ", \"bytes_per_s\": " << json_number(e.bytes_per_s()) << "}";
  }
  o << "\n  ]\n}\n";
  return o.str();
}

void write_profile_db(const ProfileDb& db, const std::string& path) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot write profile DB " + path);
  out << profile_db_to_json(db);
  if (!out) throw std::runtime_error("error writing profile DB " + path);
}

}  // namespace moesim::kernels
