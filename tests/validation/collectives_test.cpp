// Public collective measurements (tests/validation/collectives.yaml) against `moesim collective`'s model:
// every checked row within its tolerance. One test per row.
#include <gtest/gtest.h>

#include <cmath>
#include <iomanip>
#include <numeric>

#include "sim/collectives/measure.h"
#include "topologies/cluster_spec.h"
#include "topologies/topology_factory.h"
#include "workloads/units.h"
#include "workloads/yaml_reader.h"

namespace moesim::collectives {
namespace {

const std::string kTable = std::string(MOESIM_SOURCE_DIR) + "/tests/validation/collectives.yaml";

std::vector<YAML::Node> rows() {
  std::vector<YAML::Node> out;
  for (const auto& r : load_yaml_file(kTable)["rows"]) out.push_back(r);
  return out;
}

struct Prediction {
  double value = 0;
  std::string algorithm;
};

Prediction predict(const YAML::Node& row) {
  const YamlMap r(row, kTable, "rows");
  const auto topology = topologies::make_topology(topologies::parse_cluster(r.map("cluster")));
  CollectiveRequest req;
  req.op = parse_op(r.string("op"));
  req.algorithm = parse_algorithm(r.optional_string("algorithm").value_or("auto"));
  req.bytes = r.quantity("bytes", Unit::kBytes);
  int first = 0, count = topology->device_count();
  if (auto g = r.optional_string("group")) {
    const auto colon = g->find(':');
    first = std::stoi(g->substr(0, colon));
    count = std::stoi(g->substr(colon + 1));
  }
  req.group.resize(static_cast<std::size_t>(count));
  std::iota(req.group.begin(), req.group.end(), first);
  const CollectiveModel model(*topology);
  auto backend = network::make_backend(network::BackendKind::kAnalytic, *topology);
  const auto m = measure(model, req, *backend);
  const bool time = r.string("metric") == "time_us";
  return {time ? m.time_s * 1e6 : m.busbw_Bps / 1e9, m.plan.label()};
}

class PublishedCollectives : public ::testing::TestWithParam<YAML::Node> {};

TEST_P(PublishedCollectives, WithinTolerance) {
  const YAML::Node& row = GetParam();
  const auto p = predict(row);
  const double published = row["published"].as<double>();
  const double tolerance = row["tolerance"] ? row["tolerance"].as<double>() : 0.20;
  const bool check = !row["check"] || row["check"].as<bool>();
  const double error = p.value / published - 1;
  std::cout << std::left << std::setw(40) << row["id"].as<std::string>() << " published " << std::setw(8)
            << published << " predicted " << std::setw(10) << std::setprecision(4) << p.value << " "
            << std::showpos << std::setprecision(3) << 100 * error << std::noshowpos << "% " << p.algorithm
            << (row["derived"] && row["derived"].as<bool>() ? " (derived)" : "")
            << (check ? "" : " (not checked)") << "\n";
  if (check) {
    EXPECT_LE(std::abs(error), tolerance)
        << row["id"].as<std::string>() << " (" << row["source"].as<std::string>() << "): predicted "
        << p.value << ", published " << published;
  }
}

INSTANTIATE_TEST_SUITE_P(Table, PublishedCollectives, ::testing::ValuesIn(rows()),
                         [](const ::testing::TestParamInfo<YAML::Node>& info) {
                           std::string id = info.param["id"].as<std::string>();
                           for (char& c : id)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return id;
                         });

}  // namespace
}  // namespace moesim::collectives
