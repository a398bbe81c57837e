// `moesim collective`: one collective on the scenario's cluster, priced by a network backend.
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "cli/command.h"
#include "sim/collectives/collective.h"
#include "sim/collectives/measure.h"
#include "sim/network/network_backend.h"
#include "sim/network/simgrid_backend.h"
#include "topologies/cluster_spec.h"
#include "topologies/topology_factory.h"
#include "workloads/units.h"
#include "workloads/yaml_reader.h"

namespace po = boost::program_options;

namespace moesim::cli {
namespace {

/// "first:count" or a comma-separated list of device ranks; checked against the topology.
std::vector<int> parse_group(const std::string& text, int devices) {
  std::vector<int> group;
  auto number = [&](const std::string& s) {
    std::size_t used = 0;
    long v = -1;
    try {
      v = std::stol(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != s.size() || v < 0)
      throw UsageError{"--group '" + text + "': expected FIRST:COUNT or a list like 0,1,2 of device ranks"};
    return v;
  };
  if (const auto colon = text.find(':'); colon != std::string::npos) {
    const long first = number(text.substr(0, colon));
    const long count = number(text.substr(colon + 1));
    if (count < 1) throw UsageError{"--group '" + text + "': COUNT must be at least 1"};
    for (long d = first; d < first + count; ++d) group.push_back(static_cast<int>(d));
  } else {
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) group.push_back(static_cast<int>(number(item)));
  }
  for (int d : group)
    if (d >= devices)
      throw UsageError{"--group '" + text + "': device " + std::to_string(d) +
                       " does not exist (the cluster has " + std::to_string(devices) + " devices)"};
  return group;
}

std::string human(double value, const char* unit) {
  const char* prefixes[] = {"", "k", "M", "G", "T", "P"};
  int i = 0;
  while (std::abs(value) >= 1000 && i < 5) {
    value /= 1000;
    ++i;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g %s%s", value, prefixes[i], unit);
  return buf;
}

std::string human_time(double s) {
  char buf[64];
  if (s < 1e-3)
    std::snprintf(buf, sizeof buf, "%.4g us", s * 1e6);
  else if (s < 1)
    std::snprintf(buf, sizeof buf, "%.4g ms", s * 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.4g s", s);
  return buf;
}

std::string size_text(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", bytes);
  return buf;
}

/// The options of one invocation, parsed and checked.
struct Options {
  std::string scenario, op_text, algorithm_text = "auto", protocol_text, backend_text = "analytic", json_path;
  std::optional<double> bytes, min_bytes, max_bytes;
  double factor = 2;
  double skew = 0;
  std::string group_text;
  bool markdown = false;
  bool candidates = false;
};

std::optional<double> size_option(const std::string& text, const char* name) {
  if (text.empty()) return std::nullopt;
  const auto v = parse_quantity(text, Unit::kBytes);
  if (!v || !(*v > 0))
    throw UsageError{std::string(name) + " '" + text + "': expected a positive size, " +
                     std::string(unit_examples(Unit::kBytes))};
  return v;
}

void print_single(const collectives::Measurement& m, const collectives::CollectiveRequest& r,
                  const topologies::Topology& topology, const Options& o) {
  const auto& result = m.network;
  const auto& g = topology.graph();
  const auto [from, to] = topology.link_endpoints(result.busiest_link);
  const auto& busiest = topology.link(result.busiest_link);
  const auto& tiers = topology.tiers();
  std::cout << "collective    " << collectives::op_name(r.op) << " over " << r.group.size() << " devices, "
            << human(r.bytes, "B") << " per rank";
  if (o.skew > 0) std::cout << " (Zipf skew " << o.skew << ")";
  std::cout << "\n"
            << "algorithm     " << m.plan.label()
            << (r.algorithm == collectives::Algorithm::kAuto ? " (auto)" : "") << "\n"
            << "backend       " << o.backend_text << "\n"
            << "time          " << human_time(m.time_s) << "  (" << m.plan.schedule.phases.size()
            << " distinct phases, " << m.plan.schedule.transfer_count() << " transfers, fixed latency "
            << human_time(m.plan.schedule.fixed_latency_s()) << ")\n"
            << "algbw         " << human(m.algbw_Bps, "B/s") << "\n"
            << "busbw         " << human(m.busbw_Bps, "B/s") << "\n"
            << "tier bytes   ";
  for (std::size_t t = 0; t < tiers.size(); ++t)
    std::cout << " " << tiers[t] << " " << human(result.tier_bytes[t], "B");
  std::cout << "\nbusiest link  #" << result.busiest_link << " " << g[from].name << " -> " << g[to].name
            << " (" << tiers.at(busiest.tier) << ", " << human(busiest.bandwidth_Bps, "B/s")
            << "), utilisation " << std::to_string(100 * result.busiest_link_utilisation).substr(0, 5)
            << " %\n"
            << "sim wall      " << human_time(result.wall_s) << "\n";
}

nlohmann::json row_json(const collectives::Measurement& m, const collectives::CollectiveRequest& r,
                        const topologies::Topology& topology) {
  nlohmann::json j;
  j["bytes"] = r.bytes;
  j["algorithm"] = m.plan.label();
  j["time_s"] = m.time_s;
  j["algbw_Bps"] = m.algbw_Bps;
  j["busbw_Bps"] = m.busbw_Bps;
  j["fixed_latency_s"] = m.plan.schedule.fixed_latency_s();
  const auto& tiers = topology.tiers();
  for (std::size_t t = 0; t < tiers.size(); ++t) {
    j["tier_bytes"][tiers[t]] = m.network.tier_bytes[t];
    j["tier_busy_s"][tiers[t]] = m.network.tier_busy_s[t];
  }
  const auto [from, to] = topology.link_endpoints(m.network.busiest_link);
  j["busiest_link"] = {
      {"id", m.network.busiest_link},          {"from", topology.graph()[from].name},
      {"to", topology.graph()[to].name},       {"tier", tiers.at(topology.link(m.network.busiest_link).tier)},
      {"bytes", m.network.busiest_link_bytes}, {"utilisation", m.network.busiest_link_utilisation}};
  j["wall_s"] = m.network.wall_s;
  return j;
}

/// nccl-tests' table: size, count (4-byte floats), type, time, algbw, busbw, plus the chosen algorithm.
void print_sweep_header(bool markdown) {
  if (markdown) {
    std::cout << "| size (B) | count | type | time (us) | algbw (GB/s) | busbw (GB/s) | algorithm |\n"
              << "|---:|---:|---|---:|---:|---:|---|\n";
    return;
  }
  std::printf("#%13s %12s %6s %11s %9s %9s  %s\n", "size", "count", "type", "time", "algbw", "busbw",
              "algorithm");
  std::printf("#%13s %12s %6s %11s %9s %9s\n", "(B)", "(elements)", "", "(us)", "(GB/s)", "(GB/s)");
}

void print_sweep_row(const collectives::Measurement& m, double bytes, bool markdown) {
  const double count = std::floor(bytes / 4);
  if (markdown) {
    std::printf("| %s | %s | float | %.2f | %.2f | %.2f | %s |\n", size_text(bytes).c_str(),
                size_text(count).c_str(), m.time_s * 1e6, m.algbw_Bps / 1e9, m.busbw_Bps / 1e9,
                m.plan.label().c_str());
    return;
  }
  std::printf(" %13s %12s %6s %11.2f %9.2f %9.2f  %s\n", size_text(bytes).c_str(), size_text(count).c_str(),
              "float", m.time_s * 1e6, m.algbw_Bps / 1e9, m.busbw_Bps / 1e9, m.plan.label().c_str());
}

Options parse_options(const std::vector<std::string>& args, bool& help) {
  Options o;
  std::string bytes_text, min_text, max_text;
  po::options_description desc(
      "moesim collective SCENARIO.yaml --op OP (--bytes N | -b MIN -e MAX [-f FACTOR]) [options]\n"
      "Simulates one collective on the scenario's cluster (only its `cluster:` section is read); with a "
      "size\n"
      "range, prints an nccl-tests-style table (size, count, type, time, algbw, busbw, chosen algorithm)");
  desc.add_options()("help,h", "show this help")("scenario", po::value(&o.scenario), "scenario YAML file")(
      "op", po::value(&o.op_text), "all-to-all | all-reduce | reduce-scatter | all-gather")(
      "bytes", po::value(&bytes_text), "buffer per rank, nccl-tests convention (e.g. 64MB, 1GiB)")(
      "min-bytes,b", po::value(&min_text), "sweep: smallest size")("max-bytes,e", po::value(&max_text),
                                                                   "sweep: largest size")(
      "factor,f", po::value(&o.factor), "sweep: size multiplier between rows (default 2)")(
      "group", po::value(&o.group_text), "devices: FIRST:COUNT or a list 0,1,2 (default: all)")(
      "skew", po::value(&o.skew), "all-to-all only: Zipf exponent of destination popularity (0 = uniform)")(
      "backend", po::value(&o.backend_text), "analytic (default) | ptask | flow")(
      "algorithm", po::value(&o.algorithm_text),
      "auto (default: the library's tuner) | ring | tree | nvls | nvls-tree | sharp | pat | hierarchical-2d "
      "| "
      "torus (reductions, gathers) | direct | pairwise | hierarchical (all-to-all)")(
      "protocol", po::value(&o.protocol_text), "ll | ll128 | simple (NCCL; default: the fastest)")(
      "candidates", po::bool_switch(&o.candidates), "single size: list every candidate the tuner priced")(
      "markdown", po::bool_switch(&o.markdown), "sweep: print the table as Markdown")(
      "json", po::value(&o.json_path), "also write the result as JSON to FILE");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
  po::notify(vm);
  help = vm.count("help") > 0;
  if (help) {
    std::cout << desc << "\n";
    return o;
  }
  if (o.scenario.empty()) throw UsageError{"missing SCENARIO.yaml"};
  if (o.op_text.empty()) throw UsageError{"missing --op"};
  o.bytes = size_option(bytes_text, "--bytes");
  o.min_bytes = size_option(min_text, "--min-bytes");
  o.max_bytes = size_option(max_text, "--max-bytes");
  if (o.bytes && (o.min_bytes || o.max_bytes))
    throw UsageError{"give either --bytes or a range -b/-e, not both"};
  if (!o.bytes && !(o.min_bytes && o.max_bytes))
    throw UsageError{"missing --bytes (or both --min-bytes and --max-bytes for a sweep)"};
  if (o.min_bytes && *o.min_bytes > *o.max_bytes) throw UsageError{"--min-bytes must not exceed --max-bytes"};
  if (!(o.factor > 1)) throw UsageError{"--factor must be greater than 1"};
  if (!(o.skew >= 0)) throw UsageError{"--skew must be >= 0"};
  return o;
}

void print_candidates(const collectives::CollectiveModel& model, const collectives::CollectiveRequest& r) {
  std::cout << "candidates (analytic, alone):\n";
  const int n = static_cast<int>(r.group.size());
  for (const auto& c : model.candidates(r))
    std::printf("  %-22s %12s  busbw %s\n", c.label().c_str(), human_time(c.time_s).c_str(),
                human(r.bytes / c.time_s * collectives::bus_bandwidth_factor(r.op, n), "B/s").c_str());
}

void write_json(const Options& o, int n, const nlohmann::json& rows) {
  nlohmann::json j;
  j["op"] = o.op_text;
  j["backend"] = o.backend_text;
  j["group_size"] = n;
  j["skew_zipf_s"] = o.skew;
  if (o.bytes) {
    j.update(rows.front());
  } else {
    j["rows"] = rows;
  }
  std::ofstream out(o.json_path);
  if (!out) throw UsageError{"--json: cannot write " + o.json_path};
  out << j.dump(2) << "\n";
}

/// The request (op, algorithm, protocol) and backend the options name; UsageError for unknown names.
collectives::CollectiveRequest request_of(const Options& o, network::BackendKind& backend_kind) {
  collectives::CollectiveRequest request;
  try {
    request.op = collectives::parse_op(o.op_text);
    request.algorithm = collectives::parse_algorithm(o.algorithm_text);
    if (!o.protocol_text.empty()) request.protocol = collectives::parse_protocol(o.protocol_text);
    backend_kind = network::parse_backend(o.backend_text);
  } catch (const std::invalid_argument& e) {
    throw UsageError{e.what()};
  }
  if (o.skew > 0 && request.op != collectives::CollectiveOp::kAllToAll)
    throw UsageError{"--skew applies to all-to-all only"};

  return request;
}

}  // namespace

int run_collective(const std::vector<std::string>& args) {
  bool help = false;
  const Options o = parse_options(args, help);
  if (help) return 0;
  network::BackendKind backend_kind;
  collectives::CollectiveRequest request = request_of(o, backend_kind);

  const YamlMap root(load_yaml_file(o.scenario), o.scenario, "");
  const auto topology = topologies::make_topology(topologies::parse_cluster(root.map("cluster")));
  if (o.group_text.empty()) {
    for (int d = 0; d < topology->device_count(); ++d) request.group.push_back(d);
  } else {
    request.group = parse_group(o.group_text, topology->device_count());
  }
  const int n = static_cast<int>(request.group.size());
  // Refused before anything is built (the flow backend's cost grows much faster than its flows).
  if (backend_kind == network::BackendKind::kFlow && n > network::kFlowMaxEndpoints)
    throw UsageError{"--backend flow simulates at most " + std::to_string(network::kFlowMaxEndpoints) +
                     " endpoints, the group has " + std::to_string(n) + "; use --backend analytic or ptask"};

  const collectives::CollectiveModel model(*topology);
  const auto backend = network::make_backend(backend_kind, *topology);
  std::vector<double> sizes;
  if (o.bytes) {
    sizes.push_back(*o.bytes);
  } else {
    for (double b = *o.min_bytes; b <= *o.max_bytes * (1 + 1e-9); b *= o.factor)
      sizes.push_back(std::round(b));
  }
  nlohmann::json rows = nlohmann::json::array();
  if (!o.bytes) print_sweep_header(o.markdown);
  for (double bytes : sizes) {
    collectives::ByteMatrix matrix;
    request.bytes = bytes;
    if (request.op == collectives::CollectiveOp::kAllToAll) {
      matrix = collectives::zipf_all_to_all(n, bytes, o.skew);
      request.matrix = &matrix;
    }
    collectives::Measurement m;
    try {
      m = collectives::measure(model, request, *backend);
    } catch (const std::invalid_argument& e) {
      throw UsageError{e.what()};
    }
    if (o.bytes) {
      print_single(m, request, *topology, o);
      if (o.candidates) print_candidates(model, request);
    } else {
      print_sweep_row(m, bytes, o.markdown);
    }
    rows.push_back(row_json(m, request, *topology));
    request.matrix = nullptr;
  }

  if (!o.json_path.empty()) write_json(o, n, rows);
  return 0;
}

}  // namespace moesim::cli
