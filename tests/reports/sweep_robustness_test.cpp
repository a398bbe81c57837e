// Sweeps under bad conditions: a point that hangs, an interrupt, shard files written as points finish,
// and shard files that are malformed, hostile or not files at all.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "reports/sweep_document.h"
#include "reports/sweep_runner.h"
#include "reports/sweep_shard_writer.h"
#include "workloads/config_error.h"

namespace moesim::reports {
namespace {

std::vector<SweepPoint> points_of(const std::vector<SweepAxis>& axes) {
  std::vector<SweepPoint> points;
  for (std::size_t i = 0; i < grid_size(axes); ++i) points.push_back(grid_point(axes, i));
  return points;
}

/// Point "hang" sleeps for a minute; the others return at once.
nlohmann::json maybe_hang(const SweepPoint& p) {
  if (p.settings[0].second == "hang") std::this_thread::sleep_for(std::chrono::seconds(60));
  return {{"step_time_s", 1.0}};
}

bool no_children_left() {
  int status = 0;
  return ::waitpid(-1, &status, WNOHANG) < 0 && errno == ECHILD;
}

TEST(SweepRunnerLimits, AHangingPointIsStoppedAtItsTimeout) {
  const auto points = points_of(parse_sweep_axes({"x=fast,hang,fast2"}));
  SweepRunOptions options;
  options.jobs = 2;
  options.point_timeout_s = 0.3;
  const auto t0 = std::chrono::steady_clock::now();
  const auto run = run_sweep_points(points, maybe_hang, options);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  ASSERT_EQ(run.records.size(), 3u);
  EXPECT_TRUE(run.records[0]["ok"]);
  EXPECT_FALSE(run.records[1]["ok"]);
  EXPECT_EQ(run.records[1]["error_kind"], "timeout");
  EXPECT_FALSE(run.records[1].contains("result"));
  EXPECT_TRUE(run.records[2]["ok"]);
  EXPECT_EQ(run.failed(), 1u);
  EXPECT_EQ(run.interrupted_by, 0);
  EXPECT_TRUE(no_children_left());
}

TEST(SweepRunnerLimits, AnInterruptKillsTheChildrenAndKeepsFinishedPoints) {
  const auto points = points_of(parse_sweep_axes({"x=fast,hang,hang2,fast3"}));
  SweepRunOptions options;
  options.jobs = 1;
  options.point_timeout_s = 0;
  std::vector<std::size_t> seen;
  options.on_done = [&](const nlohmann::json& r) {
    seen.push_back(r["index"].get<std::size_t>());
    ::raise(SIGINT);  // as a user's Ctrl-C once the first point is in
  };
  const auto hang_unless_first = [](const SweepPoint& p) {
    if (p.index != 0) std::this_thread::sleep_for(std::chrono::seconds(60));
    return nlohmann::json{{"step_time_s", 1.0}};
  };
  const auto t0 = std::chrono::steady_clock::now();
  const auto run = run_sweep_points(points, hang_unless_first, options);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  EXPECT_EQ(run.interrupted_by, SIGINT);
  ASSERT_EQ(run.records.size(), 1u);
  EXPECT_EQ(run.records[0]["index"], 0);
  EXPECT_EQ(seen, (std::vector<std::size_t>{0}));
  EXPECT_TRUE(no_children_left());
  struct sigaction now {};
  ::sigaction(SIGINT, nullptr, &now);
  EXPECT_EQ(now.sa_handler, SIG_DFL);  // the runner restored the handler it replaced
}

class ShardFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("moesim-shards-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::vector<nlohmann::json>& lines) {
    const auto path = dir_ / name;
    std::ofstream out(path);
    for (const auto& l : lines) out << l.dump() << "\n";
    return path.string();
  }
  std::string merge_error(const std::vector<nlohmann::json>& lines) {
    try {
      merge_sweep_files({write("s.jsonl", lines)});
    } catch (const ConfigError& e) {
      return e.key() + ": " + e.what();
    }
    return "no error";
  }
  std::filesystem::path dir_;
};

nlohmann::json header() {
  return sweep_header("s.yaml", parse_sweep_axes({"model.experts=16,32"}), Shard{0, 1});
}

nlohmann::json record(std::size_t index, const std::string& value) {
  const auto settings = nlohmann::json::array({nlohmann::json::array({"model.experts", value})});
  return {{"index", index}, {"settings", settings}, {"ok", true}, {"result", {{"mfu", 0.5}}}};
}

TEST_F(ShardFiles, TheWriterKeepsWholeLinesAndRenamesWhenDone) {
  const std::string path = (dir_ / "points-0-of-1.jsonl").string();
  {
    SweepShardWriter w(path, header());
    w.append(record(1, "32"));
    EXPECT_FALSE(std::filesystem::exists(path));
    std::ifstream partial(path + ".partial");
    std::string first, second;
    std::getline(partial, first);
    std::getline(partial, second);
    EXPECT_EQ(nlohmann::json::parse(first), header());
    EXPECT_EQ(nlohmann::json::parse(second)["index"], 1);
    w.finish();
  }
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
  const auto doc = merge_sweep_files({path});
  EXPECT_EQ(doc["points"].size(), 1u);
  EXPECT_EQ(doc["missing"], (nlohmann::json{0}));
  EXPECT_THROW(SweepShardWriter((dir_ / "no-such-dir" / "x.jsonl").string(), header()), ConfigError);
}

TEST_F(ShardFiles, MergeValidatesHeadersAndRecords) {
  EXPECT_EQ(merge_error({header(), record(0, "16"), record(1, "32")}), "no error");
  auto h = header();
  h["grid_size"] = -5;
  EXPECT_EQ(merge_error({h}).rfind("grid_size:", 0), 0u) << merge_error({h});
  h["grid_size"] = 3;  // not the product of the axes
  EXPECT_EQ(merge_error({h}).rfind("grid_size:", 0), 0u);
  h = header();
  h["axes"] = "model.experts";
  EXPECT_EQ(merge_error({h}).rfind("axes:", 0), 0u);
  h = header();
  h["axes"][0]["values"] = {16, 32};
  EXPECT_EQ(merge_error({h}).rfind("axes:", 0), 0u);
  h = header();
  h["shard"] = "3/2";
  EXPECT_EQ(merge_error({h}).rfind("shard:", 0), 0u);
  EXPECT_EQ(merge_error({header(), record(7, "16")}).rfind("index:", 0), 0u);
  EXPECT_EQ(merge_error({header(), record(0, "32")}).rfind("settings:", 0), 0u);
  auto r = record(0, "16");
  r["ok"] = "yes";
  EXPECT_EQ(merge_error({header(), r}).rfind("ok:", 0), 0u);
  r = record(0, "16");
  r["result"] = 3;
  EXPECT_EQ(merge_error({header(), r}).rfind("result:", 0), 0u);
  r = record(0, "16");
  r["error"] = {1, 2};
  EXPECT_EQ(merge_error({header(), r}).rfind("error:", 0), 0u);
}

TEST_F(ShardFiles, MergeRefusesDeeplyNestedRecords) {
  const auto path = dir_ / "deep.jsonl";
  std::ofstream(path) << header().dump() << "\n{\"index\": 0, \"result\": " << std::string(100'000, '[')
                      << std::string(100'000, ']') << "}\n";
  try {
    merge_sweep_files({path.string()});
    FAIL() << "a record nested 100,000 deep must be refused";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_NE(std::string(e.what()).find("nested at most 64"), std::string::npos) << e.what();
  }
}

TEST_F(ShardFiles, MergeRefusesWhatIsNotAFileWithoutBlocking) {
  const auto fifo = dir_ / "f.jsonl";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_THROW(merge_sweep_files({fifo.string()}), ConfigError);
  EXPECT_THROW(merge_sweep_files({"/dev/zero"}), ConfigError);
}

}  // namespace
}  // namespace moesim::reports
