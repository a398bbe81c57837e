// Tests of sweeps: grid expansion, sharding, fork-per-point running, shard files and their merge, renderings.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "report_test_support.h"
#include "reports/csv_writer.h"
#include "reports/html_report.h"
#include "reports/markdown_report.h"
#include "reports/sweep_document.h"
#include "reports/sweep_grid.h"
#include "reports/sweep_runner.h"
#include "workloads/config_error.h"

namespace moesim::reports {
namespace {

std::vector<SweepAxis> sample_axes() {
  return parse_sweep_axes(
      {"model.experts=16,32,64", "model.top_k=1,2", "cluster.fabric.type=fat-tree,torus"});
}

TEST(SweepGrid, ParsesAxes) {
  const auto axes = sample_axes();
  ASSERT_EQ(axes.size(), 3u);
  EXPECT_EQ(axes[0].key, "model.experts");
  EXPECT_EQ(axes[0].values, (std::vector<std::string>{"16", "32", "64"}));
  EXPECT_EQ(axes[2].values, (std::vector<std::string>{"fat-tree", "torus"}));
  EXPECT_EQ(grid_size(axes), 12u);
  EXPECT_EQ(grid_size({}), 1u);
}

TEST(SweepGrid, BadSetsAreConfigErrors) {
  EXPECT_THROW(parse_sweep_axes({"model.experts"}), ConfigError);
  EXPECT_THROW(parse_sweep_axes({"=1,2"}), ConfigError);
  EXPECT_THROW(parse_sweep_axes({"model.experts=16,,32"}), ConfigError);
  EXPECT_THROW(parse_sweep_axes({"model.experts="}), ConfigError);
  EXPECT_THROW(parse_sweep_axes({"a=1", "a=2"}), ConfigError);
}

TEST(SweepGrid, ListValuesKeepTheirInnerCommas) {
  const auto axes = parse_sweep_axes({"cluster.fabric.dims=[4,4,8],[8, 8, 16],{a: 1, b: 2},'x,y'"});
  EXPECT_EQ(axes[0].values, (std::vector<std::string>{"[4,4,8]", "[8, 8, 16]", "{a: 1, b: 2}", "'x,y'"}));
  EXPECT_EQ(grid_point(axes, 1).overrides(), (std::vector<std::string>{"cluster.fabric.dims=[8, 8, 16]"}));
  EXPECT_THROW(parse_sweep_axes({"cluster.fabric.dims=[4,4,8"}), ConfigError);
  EXPECT_THROW(parse_sweep_axes({"cluster.fabric.dims=4],[8"}), ConfigError);
  EXPECT_THROW(parse_sweep_axes({"cluster.fabric.dims=[4],,[8]"}), ConfigError);
}

TEST(SweepGrid, LinkedAxesAdvanceTogether) {
  auto axes =
      parse_sweep_axes({"cluster.devices=64,128,256", "model.top_k=1,2", "parallelism.data=64,128,256"});
  link_sweep_axes(axes, {"devices,parallelism.data"});
  EXPECT_EQ(axes[0].link, axes[2].link);
  EXPECT_EQ(axes[1].link, -1);
  EXPECT_EQ(grid_size(axes), 6u);  // 3 linked values × 2, not 3 × 2 × 3
  for (std::size_t i = 0; i < grid_size(axes); ++i) {
    const auto p = grid_point(axes, i);
    EXPECT_EQ(p.settings[0].second, p.settings[2].second) << i;
  }
  EXPECT_EQ(grid_point(axes, 5).overrides(),
            (std::vector<std::string>{"cluster.devices=256", "model.top_k=2", "parallelism.data=256"}));
  EXPECT_NE(grid_description(axes).find("(`cluster.devices` = `parallelism.data`) (3)"), std::string::npos)
      << grid_description(axes);
}

TEST(SweepGrid, BadLinksNameTheOption) {
  const auto base = parse_sweep_axes({"cluster.devices=64,128", "parallelism.data=64,128,256",
                                      "parallelism.expert=8,16", "model.experts=8,16"});
  for (const std::string bad : {"cluster.devices,parallelism.data",  // 2 values vs 3
                                "cluster.devices", "devices,nothing", "experts,cluster.devices,",
                                "parallelism.expert,model.experts,expert"}) {
    auto axes = base;
    try {
      link_sweep_axes(axes, {bad});
      FAIL() << bad;
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.key(), "--link") << bad;
    }
  }
  auto axes = base;
  EXPECT_THROW(link_sweep_axes(axes, {"devices,parallelism.expert", "model.experts,cluster.devices"}),
               ConfigError);  // linked twice
}

TEST(SweepGrid, CartesianProductLastAxisFastest) {
  const auto axes = sample_axes();
  std::set<std::vector<std::string>> seen;
  for (std::size_t i = 0; i < grid_size(axes); ++i) {
    const SweepPoint p = grid_point(axes, i);
    EXPECT_EQ(p.index, i);
    seen.insert(p.overrides());
  }
  EXPECT_EQ(seen.size(), 12u);  // every combination exactly once
  EXPECT_EQ(grid_point(axes, 0).overrides(),
            (std::vector<std::string>{"model.experts=16", "model.top_k=1", "cluster.fabric.type=fat-tree"}));
  EXPECT_EQ(grid_point(axes, 1).settings[2].second, "torus");
  EXPECT_EQ(grid_point(axes, 11).overrides(),
            (std::vector<std::string>{"model.experts=64", "model.top_k=2", "cluster.fabric.type=torus"}));
  EXPECT_THROW(grid_point(axes, 12), std::out_of_range);
}

TEST(SweepGrid, ShardsAreDisjointAndCoverTheGrid) {
  for (std::size_t n : {1u, 2u, 3u, 5u, 12u, 20u}) {
    std::multiset<std::size_t> all;
    for (std::size_t i = 0; i < n; ++i)
      for (const auto idx : shard_indices(12, parse_shard(std::to_string(i) + "/" + std::to_string(n))))
        all.insert(idx);
    EXPECT_EQ(all.size(), 12u) << n;  // disjoint: no index twice
    for (std::size_t k = 0; k < 12; ++k) EXPECT_EQ(all.count(k), 1u) << n;
  }
  EXPECT_EQ(shard_indices(10, {1, 4}), (std::vector<std::size_t>{1, 5, 9}));
}

TEST(SweepGrid, BadShardsAreConfigErrors) {
  for (const char* s : {"3/3", "1", "a/2", "1/0", "-1/2", "1/2x", "/2"}) {
    try {
      parse_shard(s);
      ADD_FAILURE() << s;
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.key(), "--shard");
    }
  }
}

/// A stand-in simulation: step time = experts × top_k ms; experts 64 with torus is a ConfigError; experts 32
/// with torus and top-2 kills its own process.
nlohmann::json fake_simulate(const SweepPoint& p) {
  const double experts = std::stod(p.settings[0].second), k = std::stod(p.settings[1].second);
  const bool torus = p.settings[2].second == "torus";
  if (experts == 64 && torus) throw ConfigError("s.yaml", 3, "cluster.fabric.type", "a fabric that fits");
  if (experts == 32 && torus && k == 2) std::raise(SIGKILL);
  auto r = test::sample_result("m", experts * k / 1250.0, true);
  r["pid"] = ::getpid();
  return r;
}

TEST(SweepRunner, EachPointInItsOwnProcessFailuresRecorded) {
  const auto axes = sample_axes();
  std::vector<SweepPoint> points;
  for (std::size_t i = 0; i < grid_size(axes); ++i) points.push_back(grid_point(axes, i));
  int callbacks = 0;
  SweepRunOptions options;
  options.jobs = 3;
  options.on_done = [&](const nlohmann::json&) { ++callbacks; };
  const auto run = run_sweep_points(points, fake_simulate, options);
  EXPECT_EQ(run.interrupted_by, 0);
  EXPECT_EQ(run.failed(), 3u);
  const auto& records = run.records;
  ASSERT_EQ(records.size(), 12u);
  EXPECT_EQ(callbacks, 12);
  std::set<int> pids;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    EXPECT_EQ(r["index"], i);
    const auto& s = points[i].settings;
    if (s[0].second == "64" && s[2].second == "torus") {
      EXPECT_FALSE(r["ok"]);
      EXPECT_EQ(r["error_kind"], "config");
      EXPECT_NE(r["error"].get<std::string>().find("cluster.fabric.type"), std::string::npos);
    } else if (s[0].second == "32" && s[2].second == "torus" && s[1].second == "2") {
      EXPECT_FALSE(r["ok"]);
      EXPECT_EQ(r["error_kind"], "crash");
      EXPECT_NE(r["error"].get<std::string>().find("signal 9"), std::string::npos);
    } else {
      ASSERT_TRUE(r["ok"]) << r.dump();
      EXPECT_DOUBLE_EQ(r["result"]["step_time_s"].get<double>(),
                       1.25 * std::stod(s[0].second) * std::stod(s[1].second) / 1250.0);
      pids.insert(r["result"]["pid"].get<int>());
      EXPECT_NE(r["result"]["pid"].get<int>(), ::getpid());
    }
  }
  EXPECT_EQ(pids.size(), 9u);  // one process per point
  options.jobs = 0;
  EXPECT_THROW(run_sweep_points(points, fake_simulate, options), ConfigError);
}

class SweepFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("moesim-sweep-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  /// Runs shard `s` of the sample grid and writes its file; returns the path.
  std::string run_shard(const Shard& s) {
    const auto axes = sample_axes();
    std::vector<SweepPoint> points;
    for (const auto i : shard_indices(grid_size(axes), s)) points.push_back(grid_point(axes, i));
    const auto path =
        dir_ / ("points-" + std::to_string(s.index) + "-of-" + std::to_string(s.count) + ".jsonl");
    std::ofstream out(path);
    write_sweep_jsonl(out, sweep_header("s.yaml", axes, s),
                      run_sweep_points(points, fake_simulate, {}).records);
    return path.string();
  }
  std::filesystem::path dir_;
};

nlohmann::json without_pids_and_shards(nlohmann::json doc) {
  doc.erase("shards");
  for (auto& p : doc["points"])
    if (p.contains("result")) p["result"].erase("pid");
  return doc;
}

TEST_F(SweepFiles, MergedShardsGiveTheSameTableAsOneRun) {
  const std::string whole = run_shard({0, 1});
  const auto one = merge_sweep_files({whole});
  EXPECT_EQ(one["points"].size(), 12u);
  EXPECT_TRUE(one["missing"].empty());
  std::filesystem::create_directories(dir_ / "shards");
  for (std::size_t i = 0; i < 3; ++i) {
    const auto p = run_shard({i, 3});
    std::filesystem::rename(p, dir_ / "shards" / std::filesystem::path(p).filename());
  }
  const auto merged = merge_sweep_files({(dir_ / "shards").string()});
  EXPECT_EQ(merged["shards"], (nlohmann::json{"0/3", "1/3", "2/3"}));
  EXPECT_EQ(without_pids_and_shards(merged), without_pids_and_shards(one));
  EXPECT_EQ(sweep_csv(without_pids_and_shards(merged)), sweep_csv(without_pids_and_shards(one)));
}

TEST_F(SweepFiles, MissingShardIsReported) {
  const auto a = run_shard({0, 2});
  const auto doc = merge_sweep_files({a});
  EXPECT_EQ(doc["points"].size(), 6u);
  EXPECT_EQ(doc["missing"], (nlohmann::json{1, 3, 5, 7, 9, 11}));
  EXPECT_NE(sweep_markdown(doc).find("Missing points"), std::string::npos);
}

TEST_F(SweepFiles, MergeErrorsNameTheFile) {
  const auto good = run_shard({0, 2});
  const auto other = dir_ / "other.jsonl";
  {
    std::ofstream out(other);
    write_sweep_jsonl(out, sweep_header("s.yaml", parse_sweep_axes({"model.experts=8,16"}), {1, 2}), {});
  }
  try {
    merge_sweep_files({good, other.string()});
    FAIL() << "different grids must not merge";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file(), other.string());
    EXPECT_EQ(e.key(), "axes");
  }
  const auto broken = dir_ / "broken.jsonl";
  std::ofstream(broken) << "not json\n";
  try {
    merge_sweep_files({broken.string()});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.line(), 1);
  }
  EXPECT_THROW(merge_sweep_files({(dir_ / "absent.jsonl").string()}), ConfigError);
  std::filesystem::create_directories(dir_ / "empty");
  EXPECT_THROW(merge_sweep_files({(dir_ / "empty").string()}), ConfigError);
}

TEST_F(SweepFiles, RenderingsShowPointsCurvesAndErrors) {
  const auto doc = merge_sweep_files({run_shard({0, 1})});
  const std::string html = sweep_html(doc);
  EXPECT_EQ(test::xml_problem(html), "");
  std::set<std::string> charts;
  for (const auto& e : test::elements(html, "svg")) charts.insert(e.attributes.at("data-chart"));
  // One step-time and one throughput chart per swept axis.
  EXPECT_EQ(charts, (std::set<std::string>{"sweep-step-time", "sweep-throughput", "sweep-step-time-1",
                                           "sweep-throughput-1", "sweep-step-time-2", "sweep-throughput-2",
                                           "sweep-breakdown"}));
  // One curve per (top_k, fabric) combination, points on the experts axis, values from the results.
  const auto circles = test::elements(html.substr(0, html.find("data-chart=\"sweep-throughput\"")), "circle");
  EXPECT_EQ(circles.size(), 9u);  // 12 points less 3 failed
  for (const auto& c : circles) {
    const double x = std::stod(c.attributes.at("data-x"));
    EXPECT_TRUE(x == 16 || x == 32 || x == 64);
  }
  EXPECT_NE(html.find("failed (config)"), std::string::npos);
  EXPECT_NE(html.find("failed (crash)"), std::string::npos);
  const std::string md = sweep_markdown(doc);
  EXPECT_NE(md.find("| model.experts | model.top_k | cluster.fabric.type |"), std::string::npos);
  EXPECT_NE(md.find("| 0 | 16 | 1 | fat-tree | 16.00 ms |"), std::string::npos) << md;
  std::istringstream csv(sweep_csv(doc));
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(
      header.rfind("index,model.experts,model.top_k,cluster.fabric.type,ok,error_kind,error,step_time_s", 0),
      0u)
      << header;
}

TEST_F(SweepFiles, LinkedGridsSurviveTheShardFile) {
  auto axes = parse_sweep_axes({"cluster.devices=64,128", "parallelism.data=64,128"});
  link_sweep_axes(axes, {"devices,data"});
  const auto path = dir_ / "linked.jsonl";
  {
    std::ofstream out(path);
    std::vector<nlohmann::json> records;
    for (std::size_t i = 0; i < grid_size(axes); ++i)
      records.push_back({{"index", i},
                         {"settings", settings_json(grid_point(axes, i))},
                         {"ok", true},
                         {"result", test::sample_result("m", 1.0 + static_cast<double>(i), true)}});
    write_sweep_jsonl(out, sweep_header("s.yaml", axes, {0, 1}), records);
  }
  const auto doc = merge_sweep_files({path.string()});
  EXPECT_EQ(doc["grid_size"], 2);
  EXPECT_TRUE(doc["missing"].empty());
  const auto read = document_axes(doc);
  EXPECT_EQ(read[0].link, read[1].link);
  EXPECT_GE(read[0].link, 0);
  EXPECT_NE(sweep_markdown(doc).find("(`cluster.devices` = `parallelism.data`) (2) = 2 points"),
            std::string::npos);
}

TEST_F(SweepFiles, CsvHasEveryScalarMetricOfTheResults) {
  const auto doc = merge_sweep_files({run_shard({0, 1})});
  std::istringstream csv(sweep_csv(doc));
  std::string header;
  std::getline(csv, header);
  std::vector<std::string> columns;
  std::stringstream fields(header);
  for (std::string f; std::getline(fields, f, ',');) columns.push_back(f);
  const auto has = [&](const std::string& c) {
    return std::find(columns.begin(), columns.end(), c) != columns.end();
  };
  // Every number of the sample result, nested ones by their dotted key; not the texts.
  for (const char* k : {"step_time_s", "params_total", "flops_per_token_train", "breakdown_s.idle_s",
                        "a2a_bytes_per_tier.host", "busiest_link.utilisation", "routing.imbalance",
                        "tco2e_run", "simulator_wall_s", "pid"})
    EXPECT_TRUE(has(k)) << k << " in " << header;
  EXPECT_FALSE(has("model"));
  EXPECT_FALSE(has("routing.distribution"));
  const auto metrics = sweep_metric_keys(doc);
  EXPECT_EQ(metrics.front(), "step_time_s");
  EXPECT_GT(metrics.size(), sweep_columns().size() + 10);
}

}  // namespace
}  // namespace moesim::reports
