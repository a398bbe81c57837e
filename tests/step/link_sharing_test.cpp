#include "sim/step/link_sharing.h"

#include <gtest/gtest.h>

#include "sim/step/step_scheduler.h"

namespace moesim::sim {
namespace {

TEST(LinkSharing, AloneRunsAtFullSpeed) {
  LinkSharing sharing(2);
  const std::vector<ResourceUse> uses{{0, 1.0}, {1, 0.3}};
  const auto s = sharing.speeds({{1.0, &uses}});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_DOUBLE_EQ(s[0], 1.0);
}

TEST(LinkSharing, TwoSaturatingDemandsOnOneLinkGetHalfEach) {
  LinkSharing sharing(1);
  const std::vector<ResourceUse> a{{0, 2.0}}, b{{0, 1.0}};
  const auto s = sharing.speeds({{2.0, &a}, {1.0, &b}});
  EXPECT_NEAR(s[0], 0.5, 1e-12);
  EXPECT_NEAR(s[1], 0.5, 1e-12);
}

TEST(LinkSharing, DemandsThatFitTogetherAreNotSlowed) {
  // Each keeps the link busy 40% of its time: together 80%, no slowdown.
  LinkSharing sharing(1);
  const std::vector<ResourceUse> a{{0, 0.4}}, b{{0, 0.4}};
  const auto s = sharing.speeds({{1.0, &a}, {1.0, &b}});
  EXPECT_DOUBLE_EQ(s[0], 1.0);
  EXPECT_DOUBLE_EQ(s[1], 1.0);
}

TEST(LinkSharing, MaxMinFairnessGivesTheSpareCapacityToTheOthers) {
  // A and B share link 0; B and C share link 1, where C only needs 20%. Link 1 is not the bottleneck:
  // A and B get half of link 0 each and C runs at full speed.
  LinkSharing sharing(2);
  const std::vector<ResourceUse> a{{0, 1.0}}, b{{0, 1.0}, {1, 0.5}}, c{{1, 0.2}};
  const auto s = sharing.speeds({{1.0, &a}, {1.0, &b}, {1.0, &c}});
  EXPECT_NEAR(s[0], 0.5, 1e-12);
  EXPECT_NEAR(s[1], 0.5, 1e-12);
  EXPECT_DOUBLE_EQ(s[2], 1.0);
  // Progressive filling: C would fit at 1.0 on link 1 alone (0.25 + 0.2 < 1).
}

TEST(LinkSharing, ABottleneckedDemandLeavesRoomForTheRest) {
  // Link 0 carries A (100%) and B (100%); link 1 carries B (100%) and C (100%) and D (100%).
  // Progressive filling: link 1 saturates first at 1/3 (B, C, D frozen); A then takes the rest of link 0.
  LinkSharing sharing(2);
  const std::vector<ResourceUse> a{{0, 1.0}}, b{{0, 1.0}, {1, 1.0}}, c{{1, 1.0}}, d{{1, 1.0}};
  const auto s = sharing.speeds({{1.0, &a}, {1.0, &b}, {1.0, &c}, {1.0, &d}});
  EXPECT_NEAR(s[1], 1.0 / 3, 1e-12);
  EXPECT_NEAR(s[2], 1.0 / 3, 1e-12);
  EXPECT_NEAR(s[3], 1.0 / 3, 1e-12);
  EXPECT_NEAR(s[0], 2.0 / 3, 1e-12);
}

Op comm_op(int device, Stream stream) {
  Op op;
  op.device = device;
  op.stream = stream;
  return op;
}

// A gradient all-reduce and an all-to-all that start together on the same NIC resource: each keeps the NIC
// busy for its whole 1 s alone, so sharing it makes both take 2 s; on different resources both take 1 s.
double two_collectives_on(std::int32_t resource_a, std::int32_t resource_b, double* a2a_s) {
  StepGraph g(1);
  const auto ar = g.add(comm_op(0, Stream::kDp));
  const auto aa = g.add(comm_op(0, Stream::kEp));
  const auto c_ar = g.add_collective(OpCategory::kDpAllReduce, -1, {ar});
  const auto c_aa = g.add_collective(OpCategory::kA2aDispatch, -1, {aa});
  auto& colls = g.mutable_collectives();
  colls[static_cast<std::size_t>(c_ar)].duration_s = 1.0 + 10e-6;
  colls[static_cast<std::size_t>(c_ar)].latency_s = 10e-6;
  colls[static_cast<std::size_t>(c_ar)].uses = {{resource_a, 1.0}};
  colls[static_cast<std::size_t>(c_aa)].duration_s = 1.0;
  colls[static_cast<std::size_t>(c_aa)].uses = {{resource_b, 1.0}};
  const auto s = schedule_step(g);
  *a2a_s = s.end_s[static_cast<std::size_t>(aa)] - s.start_s[static_cast<std::size_t>(aa)];
  return s.end_s[static_cast<std::size_t>(ar)] - s.start_s[static_cast<std::size_t>(ar)];
}

TEST(StepScheduler, CollectivesOnTheSameLinksSlowEachOtherDown) {
  double a2a_s = 0;
  const double ar_s = two_collectives_on(0, 0, &a2a_s);
  EXPECT_GT(ar_s, 1.9);
  EXPECT_GT(a2a_s, 1.9);
  // The link is busy from 0 to the end with 2 s of work in all: the all-reduce's 10 us of latency was
  // spent while the all-to-all had the link to itself.
  EXPECT_NEAR(ar_s, 2.0, 1e-9);
  const double alone_s = two_collectives_on(0, 1, &a2a_s);
  EXPECT_NEAR(alone_s, 1.0 + 10e-6, 1e-12);
  EXPECT_NEAR(a2a_s, 1.0, 1e-12);
}

TEST(StepScheduler, ALaterCollectiveSlowsOnlyTheOverlap) {
  // A starts at 0 and needs 1 s of the link; B arrives at 0.5 s (after 0.5 s of compute) and needs 1 s.
  // Shared from 0.5 s: A has 0.5 s of work left at half speed -> ends at 1.5 s; B then runs alone:
  // it did 0.5 s of work by 1.5 s, 0.5 s left -> ends at 2.0 s.
  StepGraph g(1);
  Op c;
  c.device = 0;
  c.duration_s = 0.5;
  const auto compute = g.add(c);
  const auto a = g.add(comm_op(0, Stream::kDp));
  const auto b = g.add(comm_op(0, Stream::kEp), {compute});
  const auto ca = g.add_collective(OpCategory::kDpAllReduce, -1, {a});
  const auto cb = g.add_collective(OpCategory::kA2aDispatch, -1, {b});
  for (auto id : {ca, cb}) {
    auto& x = g.mutable_collectives()[static_cast<std::size_t>(id)];
    x.duration_s = 1.0;
    x.uses = {{0, 1.0}};
  }
  const auto s = schedule_step(g);
  EXPECT_NEAR(s.end_s[static_cast<std::size_t>(a)], 1.5, 1e-12);
  EXPECT_NEAR(s.end_s[static_cast<std::size_t>(b)], 2.0, 1e-12);
}

}  // namespace
}  // namespace moesim::sim
