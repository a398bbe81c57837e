// `moesim collective`: one collective on the scenario's cluster, priced by a network backend.
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "cli/command.h"
#include "sim/collectives/collective.h"
#include "sim/network/network_backend.h"
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

}  // namespace

int run_collective(const std::vector<std::string>& args) {
  po::options_description desc(
      "moesim collective SCENARIO.yaml --op OP --bytes N [options]\n"
      "Simulates one collective on the scenario's cluster (only its `cluster:` section is read)");
  std::string scenario, op_text, bytes_text, group_text, backend_text = "analytic", algorithm_text = "auto",
                                                         json_path;
  double skew = 0;
  desc.add_options()("help,h", "show this help")("scenario", po::value(&scenario), "scenario YAML file")(
      "op", po::value(&op_text), "all-to-all | all-reduce | reduce-scatter | all-gather")(
      "bytes", po::value(&bytes_text), "buffer per rank, nccl-tests convention (e.g. 64MB, 1GiB)")(
      "group", po::value(&group_text), "devices: FIRST:COUNT or a list 0,1,2 (default: all)")(
      "skew", po::value(&skew), "all-to-all only: Zipf exponent of destination popularity (0 = uniform)")(
      "backend", po::value(&backend_text), "analytic (default) | ptask | flow")(
      "algorithm", po::value(&algorithm_text),
      "auto | direct | pairwise | hierarchical (all-to-all); ring | tree | hierarchical-2d (all-reduce)")(
      "json", po::value(&json_path), "also write the result as JSON to FILE");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  if (scenario.empty()) throw UsageError{"missing SCENARIO.yaml"};
  if (op_text.empty()) throw UsageError{"missing --op"};
  if (bytes_text.empty()) throw UsageError{"missing --bytes"};
  const auto bytes = parse_quantity(bytes_text, Unit::kBytes);
  if (!bytes || !(*bytes > 0))
    throw UsageError{"--bytes '" + bytes_text + "': expected a positive size, " +
                     std::string(unit_examples(Unit::kBytes))};
  if (!(skew >= 0)) throw UsageError{"--skew must be >= 0"};
  collectives::CollectiveOp op;
  collectives::Algorithm algorithm;
  network::BackendKind backend_kind;
  try {
    op = collectives::parse_op(op_text);
    algorithm = collectives::parse_algorithm(algorithm_text);
    backend_kind = network::parse_backend(backend_text);
  } catch (const std::invalid_argument& e) {
    throw UsageError{e.what()};
  }
  if (skew > 0 && op != collectives::CollectiveOp::kAllToAll)
    throw UsageError{"--skew applies to all-to-all only"};

  const YamlMap root(load_yaml_file(scenario), scenario, "");
  const auto topology = topologies::make_topology(topologies::parse_cluster(root.map("cluster")));
  std::vector<int> group;
  if (group_text.empty()) {
    for (int d = 0; d < topology->device_count(); ++d) group.push_back(d);
  } else {
    group = parse_group(group_text, topology->device_count());
  }
  const int n = static_cast<int>(group.size());

  network::NetworkResult result;
  network::Schedule schedule;
  try {
    collectives::ByteMatrix matrix;
    collectives::CollectiveRequest request{op, algorithm, group, *bytes, nullptr};
    if (op == collectives::CollectiveOp::kAllToAll) {
      matrix = collectives::zipf_all_to_all(n, *bytes, skew);
      request.matrix = &matrix;
    }
    schedule = collectives::build_schedule(request, *topology);
    result = network::make_backend(backend_kind, *topology)->simulate(schedule);
  } catch (const std::invalid_argument& e) {
    throw UsageError{e.what()};
  }

  const double algbw = result.time_s > 0 ? *bytes / result.time_s : 0;
  const double busbw = algbw * collectives::bus_bandwidth_factor(op, n);
  const auto& g = topology->graph();
  const auto [from, to] = topology->link_endpoints(result.busiest_link);
  const auto& busiest = topology->link(result.busiest_link);
  const auto& tiers = topology->tiers();

  std::cout << "collective    " << schedule.name << " over " << n << " devices, " << human(*bytes, "B")
            << " per rank";
  if (skew > 0) std::cout << " (Zipf skew " << skew << ")";
  std::cout << "\n"
            << "backend       " << network::backend_name(backend_kind) << "\n"
            << "time          " << human_time(result.time_s) << "  (" << schedule.phases.size() << " phases, "
            << schedule.transfer_count() << " transfers)\n"
            << "algbw         " << human(algbw, "B/s") << "\n"
            << "busbw         " << human(busbw, "B/s") << "\n"
            << "tier bytes   ";
  for (std::size_t t = 0; t < tiers.size(); ++t)
    std::cout << " " << tiers[t] << " " << human(result.tier_bytes[t], "B");
  std::cout << "\nbusiest link  #" << result.busiest_link << " " << g[from].name << " -> " << g[to].name
            << " (" << tiers.at(busiest.tier) << ", " << human(busiest.bandwidth_Bps, "B/s")
            << "): " << human(result.busiest_link_bytes, "B") << ", utilisation "
            << std::to_string(100 * result.busiest_link_utilisation).substr(0, 5) << " %\n"
            << "sim wall      " << human_time(result.wall_s) << "\n";

  if (!json_path.empty()) {
    nlohmann::json j;
    j["op"] = op_text;
    j["algorithm"] = std::string(collectives::algorithm_name(collectives::resolve_algorithm(op, algorithm)));
    j["backend"] = std::string(network::backend_name(backend_kind));
    j["group_size"] = n;
    j["bytes"] = *bytes;
    j["skew_zipf_s"] = skew;
    j["time_s"] = result.time_s;
    j["algbw_Bps"] = algbw;
    j["busbw_Bps"] = busbw;
    for (std::size_t t = 0; t < tiers.size(); ++t) j["tier_bytes"][tiers[t]] = result.tier_bytes[t];
    j["busiest_link"] = {{"id", result.busiest_link},
                         {"from", g[from].name},
                         {"to", g[to].name},
                         {"tier", tiers.at(busiest.tier)},
                         {"bytes", result.busiest_link_bytes},
                         {"utilisation", result.busiest_link_utilisation}};
    j["wall_s"] = result.wall_s;
    std::ofstream out(json_path);
    if (!out) throw UsageError{"--json: cannot write " + json_path};
    out << j.dump(2) << "\n";
  }
  return 0;
}

}  // namespace moesim::cli
