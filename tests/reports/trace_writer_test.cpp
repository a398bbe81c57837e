#include "reports/trace_writer.h"

#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <sstream>

#include "report_test_support.h"
#include "reports/scenario_run.h"

namespace moesim::reports {
namespace {

TEST(TraceWriter, WritesOneCompleteEventPerOpAndOneThreadPerStream) {
  std::vector<sim::TimelineOp> timeline(2);
  timeline[0].device = 1;
  timeline[0].end_s = 2e-3;
  timeline[1].device = 1;
  timeline[1].stream = sim::Stream::kDp;
  timeline[1].category = sim::OpCategory::kDpAllReduce;
  timeline[1].start_s = 1e-3;
  timeline[1].end_s = 1.5e-3;
  std::ostringstream out;
  write_chrome_trace(out, timeline);
  const std::string text = out.str();
  EXPECT_NE(text.find("\"ph\":\"X\""), std::string::npos);
  EXPECT_NE(text.find("\"dur\":2000"), std::string::npos) << text;  // microseconds
  EXPECT_NE(text.find("\"dur\":500"), std::string::npos) << text;
  EXPECT_NE(text.find("\"dp comm\""), std::string::npos) << "one named thread per stream";
  EXPECT_NE(text.find("\"tid\":" + std::to_string(static_cast<int>(sim::Stream::kDp))), std::string::npos);
}

nlohmann::json trace_of(const std::vector<sim::TimelineOp>& timeline,
                        const std::vector<std::string>& tiers = {}) {
  std::ostringstream out;
  write_chrome_trace(out, timeline, 1, tiers);
  return nlohmann::json::parse(out.str());
}

TEST(TraceWriter, CommunicationEventsCarryBytesPeersAndAlgorithmAndThePidIsTheRank) {
  std::vector<sim::TimelineOp> timeline(2);
  timeline[0].device = 3;
  timeline[0].real_device = 40;
  timeline[0].stream = sim::Stream::kAsync;
  timeline[0].category = sim::OpCategory::kPipelineP2p;
  timeline[0].bytes = 2e6;
  timeline[0].peers = 2;
  timeline[0].algorithm = "send/recv";
  timeline[1] = timeline[0];
  timeline[1].stream = sim::Stream::kCompute;
  timeline[1].category = sim::OpCategory::kAttention;
  std::map<std::pair<int, int>, std::string> threads;
  std::size_t comm = 0;
  const auto trace = trace_of(timeline);
  for (const auto& e : trace["traceEvents"]) {
    if (e["name"] == "thread_name") threads[{e["pid"].get<int>(), e["tid"].get<int>()}] = e["args"]["name"];
    if (e["ph"] != "X") continue;
    EXPECT_EQ(e["pid"], 40);
    if (e["cat"] != "pipeline_p2p") {
      EXPECT_FALSE(e["args"].contains("peers")) << "compute events have no peers";
      continue;
    }
    EXPECT_EQ(e["args"]["bytes"], 2e6);
    EXPECT_EQ(e["args"]["peers"], 2);
    EXPECT_EQ(e["args"]["algorithm"], "send/recv");
    ++comm;
  }
  EXPECT_EQ(comm, 1u);
  const auto thread = [&](sim::Stream s) { return threads[std::make_pair(40, static_cast<int>(s))]; };
  EXPECT_EQ(thread(sim::Stream::kAsync), "pipeline p2p");
  EXPECT_EQ(thread(sim::Stream::kCompute), "compute");
  EXPECT_EQ(threads.size(), 2u) << "only streams with ops get a thread";
}

// simulation.trace_devices names cluster ranks: the trace shows those ranks, not the simulated device that
// plays them nor the first rank that device stands for.
TEST(TraceWriter, TracedRanksAreTheClusterRanksTheScenarioNames) {
  sim::SimulateOptions o;
  o.keep_timeline = true;
  const auto run = run_scenario(YAML::Load(test::small_pipeline_moe_yaml()), "small.yaml", o);
  std::set<int> simulated;
  for (const auto& op : run.timeline) simulated.insert(op.device);
  std::set<std::string> processes;
  std::map<int, std::size_t> events_per_pid;
  std::set<int> comm_streams;
  const auto trace = trace_of(run.timeline, run.link_tiers);
  std::map<int, std::set<std::string>> counters;
  for (const auto& e : trace["traceEvents"]) {
    if (e["ph"] == "C") {
      counters[e["pid"].get<int>()].insert(e["name"].get<std::string>());
      EXPECT_GE(e["args"]["busiest link"].get<double>(), 0);
    }
    if (e["name"] == "process_name") {
      const auto name = e["args"]["name"].get<std::string>();
      processes.insert(name.substr(0, name.find(" (")));
    }
    if (e["ph"] != "X") continue;
    ++events_per_pid[e["pid"].get<int>()];
    if (e["args"].contains("peers")) {
      EXPECT_GT(e["args"]["peers"].get<int>(), 1) << e.dump();
      EXPECT_GT(e["args"]["bytes"].get<double>(), 0) << e.dump();
      EXPECT_NE(e["args"]["algorithm"], "") << e.dump();
      comm_streams.insert(e["tid"].get<int>());
    }
  }
  EXPECT_EQ(processes, (std::set<std::string>{"device 5", "device 40", "device 63"}));
  ASSERT_EQ(events_per_pid.size(), 3u);
  for (const int rank : {5, 40, 63}) EXPECT_GT(events_per_pid[rank], 10u) << rank;
  EXPECT_LT(*simulated.rbegin(), 40) << "the ranks are played by fewer simulated devices";
  EXPECT_TRUE(comm_streams.count(static_cast<int>(sim::Stream::kEp)));
  EXPECT_TRUE(comm_streams.count(static_cast<int>(sim::Stream::kAsync)));
  for (const int rank : {5, 40, 63})
    EXPECT_TRUE(counters[rank].count("nvlink link load (collective means)"))
        << "a counter track of the rank's NVLink load";
}

}  // namespace
}  // namespace moesim::reports
