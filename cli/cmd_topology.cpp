// `moesim topology SCENARIO.yaml [--json FILE] [--dot FILE]`: the cluster's devices, switches, links,
// diameter, bisection bandwidth and links per tier; JSON for scripts and DOT for Graphviz.
#include <boost/program_options.hpp>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/command.h"
#include "topologies/cluster_spec.h"
#include "topologies/dot_export.h"
#include "topologies/topology_factory.h"
#include "topologies/topology_summary.h"
#include "workloads/yaml_reader.h"

namespace po = boost::program_options;

namespace moesim::cli {
namespace {

std::string human_Bps(double Bps) {
  std::ostringstream o;
  o << std::setprecision(4);
  if (Bps >= 1e12)
    o << Bps / 1e12 << " TB/s";
  else
    o << Bps / 1e9 << " GB/s";
  return o.str();
}

nlohmann::json to_json(const topologies::ClusterSpec& spec, const topologies::TopologySummary& s) {
  nlohmann::json j;
  j["cluster"] = spec.name;
  j["accelerator"] = spec.accelerator;
  j["description"] = s.description;
  j["devices"] = s.devices;
  j["nodes"] = s.nodes;
  j["switches"] = s.switches;
  j["links"] = s.links;
  j["diameter_hops"] = s.diameter_hops;
  j["diameter_latency_s"] = s.max_route_latency_s;
  j["bisection_bandwidth_Bps"] = s.bisection_Bps;
  j["tiers"] = nlohmann::json::array();
  for (const auto& t : s.tiers) {
    j["tiers"].push_back({{"name", t.name},
                          {"links", t.links},
                          {"link_bandwidth_Bps", t.bandwidth_Bps},
                          {"link_latency_s", t.latency_s},
                          {"total_bandwidth_Bps", t.total_bandwidth_Bps}});
  }
  return j;
}

std::ofstream open_output(const std::string& path, const std::string& option) {
  std::ofstream out(path);
  if (!out) throw ConfigError(path, 0, option, "cannot write this file");
  return out;
}

}  // namespace

int run_topology(const std::vector<std::string>& args) {
  po::options_description desc("moesim topology SCENARIO.yaml [options]");
  desc.add_options()("help,h", "show this help")("json", po::value<std::string>(),
                                                 "write the summary as JSON")(
      "dot", po::value<std::string>(), "write a Graphviz DOT picture (aggregated above 64 vertices)")(
      "full-dot", "draw every vertex in --dot, however large the fabric");
  po::variables_map vm;
  std::string file;
  if (!parse_scenario_command(args, desc, file, vm)) return 0;

  const YAML::Node root = load_yaml_file(file);
  const topologies::ClusterSpec spec = topologies::parse_cluster(YamlMap(root, file, "").map("cluster"));
  const auto topology = topologies::make_topology(spec);
  const topologies::TopologySummary s = topologies::summarize(*topology);

  std::cout << "cluster:      " << spec.name << "\n"
            << "fabric:       " << s.description << "\n"
            << "devices:      " << s.devices << " (" << spec.accelerator << ") in " << s.nodes << " nodes\n"
            << "switches:     " << s.switches << "\n"
            << "links:        " << s.links << " directed (" << s.links / 2 << " full-duplex cables)\n"
            << "diameter:     " << s.diameter_hops << " hops, " << s.max_route_latency_s * 1e6 << " us\n"
            << "bisection:    " << human_Bps(s.bisection_Bps) << " (one direction)\n"
            << "links per tier (directed; bandwidth one direction):\n";
  for (const auto& t : s.tiers) {
    std::cout << "  " << std::left << std::setw(8) << t.name << std::right << std::setw(8) << t.links << " x "
              << std::setw(10) << human_Bps(t.bandwidth_Bps) << ", " << t.latency_s * 1e6 << " us, total "
              << human_Bps(t.total_bandwidth_Bps) << "\n";
  }
  if (vm.count("json")) {
    auto out = open_output(vm["json"].as<std::string>(), "--json");
    out << to_json(spec, s).dump(2) << "\n";
  }
  if (vm.count("dot")) {
    auto out = open_output(vm["dot"].as<std::string>(), "--dot");
    topologies::write_dot(*topology, out,
                          vm.count("full-dot") ? topologies::DotView::kFull : topologies::DotView::kAuto);
  }
  return 0;
}

}  // namespace moesim::cli
