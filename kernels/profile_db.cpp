#include "kernels/profile_db.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "kernels/json_value.h"
#include "workloads/config_error.h"

namespace moesim::kernels {
namespace {

class Reader {
 public:
  explicit Reader(const std::string& file) : file_(file) {}

  const JsonValue& get(const JsonValue& obj, const std::string& key, const std::string& path,
                       JsonValue::Type type, const char* what) const {
    const JsonValue* v = obj.find(key);
    if (!v) throw ConfigError(file_, obj.line, path + key, std::string("a key '") + key + "' (" + what + ")");
    if (v->type != type) throw ConfigError(file_, v->line, path + key, std::string("expected ") + what);
    return *v;
  }
  std::string str(const JsonValue& o, const std::string& key, const std::string& path = "") const {
    return get(o, key, path, JsonValue::Type::kString, "a string").string;
  }
  double num(const JsonValue& o, const std::string& key, const std::string& path = "",
             double lo = 0.0) const {
    const JsonValue& v = get(o, key, path, JsonValue::Type::kNumber, "a number");
    if (!(v.number >= lo)) throw ConfigError(file_, v.line, path + key, "a number >= " + json_number(lo));
    return v.number;
  }
  int integer(const JsonValue& o, const std::string& key, const std::string& path, int lo) const {
    const double d = num(o, key, path, lo);
    if (d != static_cast<double>(static_cast<long long>(d)) || d > 2e9)
      throw ConfigError(file_, o.find(key)->line, path + key, "an integer");
    return static_cast<int>(d);
  }
  bool boolean(const JsonValue& o, const std::string& key, const std::string& path) const {
    return get(o, key, path, JsonValue::Type::kBool, "true or false").boolean;
  }
  void only(const JsonValue& o, const std::vector<std::string>& keys, const std::string& path) const {
    for (const auto& [k, v] : o.object) {
      bool known = false;
      for (const auto& allowed : keys) known = known || allowed == k;
      if (!known) throw ConfigError(file_, v.line, path + k, "no such key (unknown key in a profile DB)");
    }
  }

 private:
  const std::string& file_;
};

}  // namespace

ProfileDb parse_profile_db(const std::string& json_text, const std::string& file) {
  const JsonValue root = parse_json(json_text, file);
  if (root.type != JsonValue::Type::kObject) throw ConfigError(file, root.line, "", "a JSON object");
  Reader rd(file);
  ProfileDb db;
  if (rd.str(root, "format") != kProfileFormat)
    throw ConfigError(file, root.find("format")->line, "format", std::string("\"") + kProfileFormat + "\"");
  rd.only(root,
          {"format", "gpu", "sm_count", "sm_clock_mhz", "mem_clock_mhz", "l2_bytes", "driver_version",
           "cuda_runtime_version", "date", "peak_flops", "mem_bw_Bps", "peak_source", "entries"},
          "");
  ProfileHeader& h = db.header;
  h.gpu = rd.str(root, "gpu");
  if (h.gpu.empty()) throw ConfigError(file, root.find("gpu")->line, "gpu", "a non-empty GPU name");
  h.sm_count = rd.integer(root, "sm_count", "", 1);
  h.sm_clock_mhz = rd.num(root, "sm_clock_mhz");
  h.mem_clock_mhz = rd.num(root, "mem_clock_mhz");
  h.l2_bytes = rd.num(root, "l2_bytes");
  h.driver_version = rd.str(root, "driver_version");
  h.cuda_runtime_version = rd.str(root, "cuda_runtime_version");
  h.date = rd.str(root, "date");
  h.peak_flops = rd.num(root, "peak_flops", "", 1.0);
  h.mem_bw_Bps = rd.num(root, "mem_bw_Bps", "", 1.0);
  h.peak_source = rd.str(root, "peak_source");
  const JsonValue& entries = rd.get(root, "entries", "", JsonValue::Type::kArray, "an array");
  for (size_t i = 0; i < entries.array.size(); ++i) {
    const JsonValue& e = entries.array[i];
    const std::string path = "entries[" + std::to_string(i) + "].";
    if (e.type != JsonValue::Type::kObject) throw ConfigError(file, e.line, path, "an object");
    rd.only(e,
            {"kernel", "impl", "tokens", "d_model", "d_ff", "experts", "k", "glu", "zipf_s", "median_s",
             "p10_s", "p90_s", "reps", "flops", "bytes", "flops_per_s", "bytes_per_s"},
            path);
    ProfileEntry p;
    const std::string kind = rd.str(e, "kernel", path);
    auto k = kernel_kind_from_string(kind);
    if (!k)
      throw ConfigError(file, e.find("kernel")->line, path + "kernel",
                        "one of router_gemm, gating, dispatch, expert_up, expert_down, combine");
    p.kind = *k;
    p.impl = rd.str(e, "impl", path);
    p.shape.tokens = rd.integer(e, "tokens", path, 1);
    p.shape.d_model = rd.integer(e, "d_model", path, 0);
    p.shape.d_ff = rd.integer(e, "d_ff", path, 0);
    p.shape.experts = rd.integer(e, "experts", path, 0);
    p.shape.k = rd.integer(e, "k", path, 1);
    p.shape.glu = rd.boolean(e, "glu", path);
    p.shape.zipf_s = rd.num(e, "zipf_s", path);
    p.median_s = rd.num(e, "median_s", path, 1e-12);
    p.p10_s = rd.num(e, "p10_s", path, 1e-12);
    p.p90_s = rd.num(e, "p90_s", path, 1e-12);
    if (!(p.p10_s <= p.median_s && p.median_s <= p.p90_s))
      throw ConfigError(file, e.line, path + "median_s", "p10_s <= median_s <= p90_s");
    p.reps = rd.integer(e, "reps", path, 1);
    p.flops = rd.num(e, "flops", path);
    p.bytes = rd.num(e, "bytes", path);
    rd.num(e, "flops_per_s", path);
    rd.num(e, "bytes_per_s", path);
    db.entries.push_back(p);
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
