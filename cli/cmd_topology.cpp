// `moesim topology SCENARIO.yaml [--json FILE] [--dot FILE]`: the cluster's devices, switches, links,
// diameter, bisection bandwidth and links per tier; JSON for scripts and DOT for Graphviz.
#include <boost/program_options.hpp>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/command.h"
#include "reports/json_output.h"
#include "reports/report_units.h"
#include "topologies/cluster_spec.h"
#include "topologies/dot_export.h"
#include "topologies/topology_factory.h"
#include "topologies/topology_summary.h"
#include "workloads/scenario_overrides.h"
#include "workloads/yaml_reader.h"

namespace po = boost::program_options;

namespace moesim::cli {
namespace {

std::string human_Bps(double Bps) {
  return reports::format_value(reports::Measure::kBytesPerS, Bps);
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
  std::vector<std::string> sets;
  std::string json_path;
  desc.add_options()("help,h", "show this help")("json", po::value(&json_path),
                                                 "write the summary as JSON (- = stdout)")(
      "set", po::value(&sets)->composing(), "override a scenario key, e.g. --set cluster.devices=256")(
      "dot", po::value<std::string>(), "write a Graphviz DOT picture (aggregated above 64 vertices)")(
      "full-dot", "draw every vertex in --dot, however large the fabric");
  po::variables_map vm;
  std::string file;
  if (!parse_scenario_command(args, desc, file, vm)) return 0;

  // Cloning for overrides loses YAML line marks, so only clone when there is something to override.
  const YAML::Node loaded = load_yaml_file(file);
  const YAML::Node root = sets.empty() ? loaded : workloads::apply_overrides(loaded, sets, file);
  const topologies::ClusterSpec spec = topologies::parse_cluster(YamlMap(root, file, "").map("cluster"));
  const auto topology = topologies::make_topology(spec);
  const topologies::TopologySummary s = topologies::summarize(*topology);

  std::ostream& text = reports::text_output(json_path);
  text << "cluster:      " << spec.name << "\n"
       << "fabric:       " << s.description << "\n"
       << "devices:      " << s.devices << " (" << spec.accelerator << ") in " << s.nodes << " nodes\n"
       << "switches:     " << s.switches << "\n"
       << "links:        " << s.links << " directed (" << s.links / 2 << " full-duplex cables)\n"
       << "diameter:     " << s.diameter_hops << " hops, "
       << reports::format_value(reports::Measure::kSeconds, s.max_route_latency_s) << "\n"
       << "bisection:    " << human_Bps(s.bisection_Bps) << " (one direction)\n"
       << "links per tier (directed; bandwidth one direction):\n";
  for (const auto& t : s.tiers) {
    text << "  " << std::left << std::setw(8) << t.name << std::right << std::setw(8) << t.links << " x "
         << std::setw(10) << human_Bps(t.bandwidth_Bps) << ", "
         << reports::format_value(reports::Measure::kSeconds, t.latency_s) << ", total "
         << human_Bps(t.total_bandwidth_Bps) << "\n";
  }
  if (!json_path.empty()) reports::write_json_output(json_path, to_json(spec, s), "--json");
  if (vm.count("dot")) {
    auto out = open_output(vm["dot"].as<std::string>(), "--dot");
    topologies::write_dot(*topology, out,
                          vm.count("full-dot") ? topologies::DotView::kFull : topologies::DotView::kAuto);
  }
  return 0;
}

}  // namespace moesim::cli
