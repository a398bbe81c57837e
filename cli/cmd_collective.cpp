// `moesim collective`: one collective on the scenario's cluster, priced by a network backend.
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "cli/collective_table.h"
#include "cli/command.h"
#include "reports/json_output.h"
#include "reports/report_units.h"
#include "sim/collectives/collective.h"
#include "sim/collectives/measure.h"
#include "sim/network/network_backend.h"
#include "sim/network/simgrid_backend.h"
#include "topologies/cluster_spec.h"
#include "topologies/topology_factory.h"
#include "workloads/scenario_overrides.h"
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

/// A byte count with a decimal prefix: "64.00 MB".
std::string human_bytes(double bytes) {
  const std::string rate = reports::format_value(reports::Measure::kBytesPerS, bytes);
  return rate.substr(0, rate.size() - 2);  // the same prefixes, without "/s"
}

std::string human_Bps(double Bps) {
  return reports::format_value(reports::Measure::kBytesPerS, Bps);
}

std::string human_time(double s) {
  return reports::format_value(reports::Measure::kSeconds, s);
}

/// The options of one invocation, parsed and checked.
struct Options {
  std::string scenario, op_text, algorithm_text = "auto", protocol_text, backend_text = "analytic", json_path;
  std::string csv_path;
  std::vector<std::string> sets;
  std::optional<double> bytes, min_bytes, max_bytes;
  double factor = 2;
  double skew = 0;
  std::string group_text;
  bool markdown = false;
  bool candidates = false;
};

void print_single(std::ostream& out, const collectives::Measurement& m,
                  const collectives::CollectiveRequest& r, const topologies::Topology& topology,
                  const Options& o) {
  const auto& result = m.network;
  const auto& g = topology.graph();
  const auto [from, to] = topology.link_endpoints(result.busiest_link);
  const auto& busiest = topology.link(result.busiest_link);
  const auto& tiers = topology.tiers();
  out << "collective    " << collectives::op_name(r.op) << " over " << r.group.size() << " devices, "
      << human_bytes(r.bytes) << " per rank";
  if (o.skew > 0) out << " (Zipf skew " << o.skew << ")";
  out << "\n"
      << "algorithm     " << m.plan.label() << (r.algorithm == collectives::Algorithm::kAuto ? " (auto)" : "")
      << "\n"
      << "backend       " << o.backend_text << "\n"
      << "time          " << human_time(m.time_s) << "  (" << m.plan.schedule.phases.size()
      << " distinct phases, " << m.plan.schedule.transfer_count() << " transfers, fixed latency "
      << human_time(m.plan.schedule.fixed_latency_s()) << ")\n"
      << "algbw         " << human_Bps(m.algbw_Bps) << "\n"
      << "busbw         " << human_Bps(m.busbw_Bps) << "\n"
      << "tier bytes   ";
  for (std::size_t t = 0; t < tiers.size(); ++t)
    out << " " << tiers[t] << " " << human_bytes(result.tier_bytes[t]);
  out << "\nbusiest link  #" << result.busiest_link << " " << g[from].name << " -> " << g[to].name << " ("
      << tiers.at(busiest.tier) << ", " << human_Bps(busiest.bandwidth_Bps) << "), utilisation "
      << reports::format_value(reports::Measure::kFraction, result.busiest_link_utilisation) << "\n"
      << "sim wall      " << human_time(result.wall_s) << "\n";
}

nlohmann::json row_json(const collectives::Measurement& m, const collectives::CollectiveRequest& r,
                        const topologies::Topology& topology) {
  nlohmann::json j;
  j["bytes"] = r.bytes;
  j["count_elements"] = std::floor(r.bytes / 4);
  j["type"] = "float";
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

/// Rejects contradictory or out-of-range options (UsageError naming the option).
void check_options(const Options& o) {
  if (o.bytes && (o.min_bytes || o.max_bytes))
    throw UsageError{"give either --bytes or a range -b/-e, not both"};
  if (!o.bytes && !(o.min_bytes && o.max_bytes))
    throw UsageError{"missing --bytes (or both --min-bytes and --max-bytes for a sweep)"};
  if (o.min_bytes && *o.min_bytes > *o.max_bytes) throw UsageError{"--min-bytes must not exceed --max-bytes"};
  if (!(o.factor > 1))
    throw UsageError{"--factor must be greater than 1, got " + reports::format_number(o.factor)};
  if (!(o.skew >= 0)) throw UsageError{"--skew must be >= 0"};
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
      "json", po::value(&o.json_path), "also write the result as JSON to FILE (- = stdout)")(
      "csv", po::value(&o.csv_path), "also write one CSV line per size to FILE")(
      "set", po::value(&o.sets)->composing(), "override a scenario key, e.g. --set cluster.devices=256");
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
  check_options(o);
  return o;
}

void print_candidates(std::ostream& out, const collectives::CollectiveModel& model,
                      const collectives::CollectiveRequest& r) {
  out << "candidates (analytic, alone):\n";
  const int n = static_cast<int>(r.group.size());
  char buf[160];
  for (const auto& c : model.candidates(r)) {
    std::snprintf(buf, sizeof buf, "  %-22s %12s  busbw %s\n", c.label().c_str(),
                  human_time(c.time_s).c_str(),
                  human_Bps(r.bytes / c.time_s * collectives::bus_bandwidth_factor(r.op, n)).c_str());
    out << buf;
  }
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
  reports::write_json_output(o.json_path, j, "--json");
}

void write_csv(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw ConfigError(path, 0, "--csv", "a file that can be written (does its directory exist?)");
}

/// The sizes to run: --bytes, or min, min × factor, ... up to max (each rounded to whole bytes).
std::vector<double> sizes_of(const Options& o) {
  constexpr std::size_t kMaxSizes = 10'000;
  if (o.bytes) return {*o.bytes};
  std::vector<double> sizes;
  for (double b = *o.min_bytes; b <= *o.max_bytes * (1 + 1e-9); b *= o.factor) {
    if (sizes.size() == kMaxSizes)
      throw UsageError{"--factor " + reports::format_number(o.factor) + " gives more than " +
                       std::to_string(kMaxSizes) +
                       " sizes from --min-bytes to --max-bytes; use a larger factor"};
    sizes.push_back(std::round(b));
  }
  return sizes;
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

  // Cloning for overrides loses YAML line marks, so only clone when there is something to override.
  const YAML::Node loaded = load_yaml_file(o.scenario);
  const YamlMap root(o.sets.empty() ? loaded : workloads::apply_overrides(loaded, o.sets, o.scenario),
                     o.scenario, "");
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
  const std::vector<double> sizes = sizes_of(o);
  nlohmann::json rows = nlohmann::json::array();
  std::ostream& text = reports::text_output(o.json_path);
  if (!o.bytes) print_sweep_header(text, o.markdown);
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
      print_single(text, m, request, *topology, o);
      if (o.candidates) print_candidates(text, model, request);
    } else {
      print_sweep_row(text, m, bytes, o.markdown);
    }
    rows.push_back(row_json(m, request, *topology));
    request.matrix = nullptr;
  }

  if (!o.json_path.empty()) write_json(o, n, rows);
  if (!o.csv_path.empty()) write_csv(o.csv_path, rows_csv(rows));
  return 0;
}

}  // namespace moesim::cli
