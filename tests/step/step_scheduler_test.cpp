#include "sim/step/step_scheduler.h"

#include <gtest/gtest.h>

#include "sim/step/step_breakdown.h"

namespace moesim::sim {
namespace {

Op compute(int device, double s, OpCategory c = OpCategory::kAttention) {
  Op op;
  op.device = device;
  op.duration_s = s;
  op.category = c;
  return op;
}

Op comm(int device, Stream stream = Stream::kEp) {
  Op op;
  op.device = device;
  op.stream = stream;
  return op;
}

TEST(StepScheduler, StreamKeysReorderAStreamAndOnlyThatStream) {
  // Two independent chains added one after the other: chain A = 2 s of compute then an all-to-all of 3 s
  // then 1 s; chain B = 2 s then 1 s. In program order B waits behind A's all-to-all (makespan 9 s). With
  // B's first op keyed between A's two compute ops, it runs under A's all-to-all (makespan 7 s).
  auto build = [](bool interleave) {
    StepGraph g(1);
    const auto a0 = g.add(compute(0, 2.0));
    const auto ac = g.add(comm(0), {a0});
    const auto coll = g.add_collective(OpCategory::kA2aDispatch, -1, {ac});
    g.mutable_collectives()[static_cast<std::size_t>(coll)].duration_s = 3.0;
    g.add(compute(0, 1.0), {ac});
    const auto b0 = g.add(compute(0, 2.0));
    g.add(compute(0, 1.0), {b0});
    if (interleave) g.set_stream_key(b0, 0.5);
    return schedule_step(g).makespan_s;
  };
  EXPECT_DOUBLE_EQ(build(false), 9.0);
  EXPECT_DOUBLE_EQ(build(true), 7.0);
}

TEST(StepScheduler, StreamsAreFifoAndCollectivesWaitForTheSlowestParticipant) {
  // Device 0 computes 1 s, device 1 computes 3 s; then an all-to-all of 2 s; then 1 s each.
  StepGraph g(2);
  const auto a0 = g.add(compute(0, 1.0));
  const auto a1 = g.add(compute(1, 3.0));
  const auto c0 = g.add(comm(0), {a0});
  const auto c1 = g.add(comm(1), {a1});
  const auto coll = g.add_collective(OpCategory::kA2aDispatch, -1, {c0, c1});
  g.mutable_collectives()[static_cast<std::size_t>(coll)].duration_s = 2.0;
  const auto b0 = g.add(compute(0, 1.0), {c0});
  g.add(compute(1, 1.0), {c1});
  const auto s = schedule_step(g);
  EXPECT_DOUBLE_EQ(s.start_s[static_cast<std::size_t>(c0)], 3.0);  // waits for device 1
  EXPECT_DOUBLE_EQ(s.end_s[static_cast<std::size_t>(c0)], 5.0);
  EXPECT_DOUBLE_EQ(s.end_s[static_cast<std::size_t>(b0)], 6.0);
  EXPECT_DOUBLE_EQ(s.makespan_s, 6.0);

  // Breakdown of device 0: 2 s compute, 2 s exposed all-to-all, and 2 s idle waiting for device 1 to
  // reach the collective (the slowest participant sets the pace).
  const auto b = breakdown_step(g, s);
  const auto& d0 = b.per_device_s[0];
  EXPECT_DOUBLE_EQ(d0[static_cast<std::size_t>(Activity::kComputeBound)], 2.0);
  EXPECT_DOUBLE_EQ(d0[static_cast<std::size_t>(Activity::kAllToAll)], 2.0);
  EXPECT_DOUBLE_EQ(d0[static_cast<std::size_t>(Activity::kIdle)], 2.0);
  const auto& d1 = b.per_device_s[1];
  EXPECT_DOUBLE_EQ(d1[static_cast<std::size_t>(Activity::kComputeBound)], 4.0);
  EXPECT_DOUBLE_EQ(d1[static_cast<std::size_t>(Activity::kAllToAll)], 2.0);
}

TEST(StepScheduler, CommunicationOverlappedByComputeIsNotExposed) {
  // Gradient all-reduce (comm stream, 1.5 s) issued after layer 1's backward, overlapping layer 0's (2 s).
  StepGraph g(1);
  const auto l1 = g.add(compute(0, 1.0));
  const auto ar = g.add(comm(0, Stream::kDp), {l1});
  const auto coll = g.add_collective(OpCategory::kDpAllReduce, -1, {ar});
  g.mutable_collectives()[static_cast<std::size_t>(coll)].duration_s = 1.5;
  const auto l0 = g.add(compute(0, 2.0), {l1});
  g.add(compute(0, 0.5, OpCategory::kOptimizer), {l0, ar});
  const auto s = schedule_step(g);
  EXPECT_DOUBLE_EQ(s.makespan_s, 3.5);
  const auto b = breakdown_step(g, s);
  EXPECT_DOUBLE_EQ(b.mean_s[static_cast<std::size_t>(Activity::kAllReduce)], 0.0);
  EXPECT_DOUBLE_EQ(b.mean_s[static_cast<std::size_t>(Activity::kComputeBound)], 3.5);
}

TEST(StepScheduler, CycleIsDetected) {
  StepGraph g(1);
  const auto a = g.add(compute(0, 1.0));
  const auto b = g.add(compute(0, 1.0), {a});
  g.add_dependency(b, a);
  EXPECT_THROW(schedule_step(g), std::logic_error);
}

}  // namespace
}  // namespace moesim::sim
