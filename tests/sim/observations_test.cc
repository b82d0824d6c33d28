// Context::Observe: the engine (here the fake) stamps a typed observation
// with its node, incarnation and true times, and Survivors drops the ones
// whose node crashed before the stamp.
#include "sim/observations.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/time.h"
#include "tests/testing/fake_context.h"

namespace dsim {
namespace {

struct Voted {
  int tx;
  bool yes;
};
struct Other {
  std::string what;
};

// On a message of type 1 it votes at once; of type 2, after a disk sync.
class Voter : public Process {
 public:
  void OnStart(Context&) override {}
  void OnMessage(Context& ctx, const Envelope& m) override {
    if (m.type == 2) {
      ctx.disk().Put("vote", "yes");
      ctx.disk().Sync();
    }
    ctx.Observe(Voted{static_cast<int>(m.type), true});
  }
  void OnTimer(Context&, TimerId, uint64_t) override {}
};

TEST(Observations, StampedWithNodeAndTimesAndFiledByType) {
  testing::FakeContext ctx(/*id=*/2, /*num_servers=*/3);
  Voter v;
  ctx.Start(v);
  ctx.AdvanceTo(5 * kMillisecond);
  ctx.DeliverBytes(v, 1, 1, "");
  ctx.AdvanceTo(10 * kMillisecond);
  ctx.DeliverBytes(v, 1, 2, "");
  const auto& votes = ctx.observations()->Of<Voted>().entries();
  ASSERT_EQ(votes.size(), 2u);
  EXPECT_EQ(votes[0].node, 2);
  EXPECT_EQ(votes[0].value.tx, 1);
  EXPECT_GE(votes[0].event_ns, 5 * kMillisecond);
  EXPECT_EQ(votes[1].event_ns, 10 * kMillisecond);
  EXPECT_GT(votes[1].stamp_ns, votes[1].event_ns) << "stamped after the sync it waited for";
  EXPECT_TRUE(ctx.observations()->Of<Other>().entries().empty());
  const Observations& frozen = *ctx.observations();
  EXPECT_TRUE(frozen.Of<Other>().entries().empty()) << "a type never reported reads as empty";
}

TEST(Observations, SurvivorsDropWhatACrashCutShort) {
  testing::FakeContext ctx(/*id=*/1, /*num_servers=*/3);
  Voter v;
  ctx.Start(v);
  ctx.DeliverBytes(v, 2, 1, "");  // at once: survives
  ctx.AdvanceTo(kMillisecond);
  ctx.DeliverBytes(v, 2, 2, "");  // after a sync that the crash interrupts
  ctx.AdvanceTo(kMillisecond);
  ctx.Crash();
  const ObservationLog<Voted>& log = ctx.observations()->Of<Voted>();
  ASSERT_EQ(log.entries().size(), 2u);
  const auto survivors = log.Survivors(ctx);
  ASSERT_EQ(survivors.size(), 1u);
  EXPECT_EQ(survivors[0].value.tx, 1);
  EXPECT_EQ(survivors[0].incarnation, 0u);
}

// A report that points at what its process keeps: the filer sees the value
// while the report is filed, and with no filer the report stops the run.
struct Applied {
  static constexpr bool kBorrows = true;
  Borrowed<std::string> command;
};
static_assert(Borrows<Applied>() && !Borrows<Voted>());

class Applier : public Process {
 public:
  void OnStart(Context&) override {}
  void OnMessage(Context& ctx, const Envelope& m) override {
    kept_ = std::string(m.bytes);
    ctx.Observe(Applied{kept_});
  }
  void OnTimer(Context&, TimerId, uint64_t) override {}

 private:
  std::string kept_;
};

TEST(Observations, ABorrowedValueIsSeenByItsFilerAndNeverKept) {
  testing::FakeContext ctx(/*id=*/3, /*num_servers=*/3);
  std::vector<std::string> filed;
  ctx.observations()->Of<Applied>().FileWith(
      [&filed](const Observation<Applied>& o) { filed.push_back(o.value.command.get()); });
  Applier a;
  ctx.Start(a);
  ctx.DeliverBytes(a, 1, 1, "put x");
  ctx.DeliverBytes(a, 1, 1, "put y");
  EXPECT_EQ(filed, (std::vector<std::string>{"put x", "put y"}));
  EXPECT_TRUE(ctx.observations()->Of<Applied>().entries().empty());
}

TEST(ObservationsDeathTest, ABorrowedValueWithNoFilerStopsTheRun) {
  testing::FakeContext ctx(/*id=*/3, /*num_servers=*/3);
  Applier a;
  ctx.Start(a);
  EXPECT_DEATH(ctx.DeliverBytes(a, 1, 1, "put x"), "node 3 reported a borrowed value that no filer takes");
}

}  // namespace
}  // namespace dsim
