#include "sim/event_queue.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace dsim {
namespace {

TEST(EventQueue, OrdersByTimeThenInsertion) {
  EventQueue q;
  q.Push(30, 1);
  q.Push(10, 2);
  q.Push(20, 3);
  q.Push(10, 4);  // same time as slot 2, inserted later
  q.Push(-5, 5);
  std::vector<uint32_t> order;
  while (!q.empty()) order.push_back(q.Pop().slot());
  EXPECT_EQ(order, (std::vector<uint32_t>{5, 2, 4, 3, 1}));
}

TEST(EventQueue, MatchesASortedReference) {
  Rng rng(1);
  EventQueue q;
  std::vector<std::tuple<int64_t, uint64_t, uint32_t>> ref;
  uint64_t seq = 0;
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 200; ++i) {
      const int64_t t = rng.UniformInt(0, 1000);
      const uint32_t slot = static_cast<uint32_t>(rng.Uniform(1u << 30));
      q.Push(t, slot);
      ref.emplace_back(t, seq++, slot);
    }
    std::sort(ref.begin(), ref.end());
    for (int i = 0; i < 150; ++i) {
      const EventQueue::Entry e = q.Pop();
      ASSERT_EQ(e.time(), std::get<0>(ref.front()));
      ASSERT_EQ(e.slot(), std::get<2>(ref.front()));
      ref.erase(ref.begin());
    }
  }
  EXPECT_EQ(q.size(), ref.size());
}

// The simulator's pattern: pop the earliest, push a few at or after it, with
// delays spread over many orders of magnitude and many ties - enough pending
// entries that buckets are both split and sorted whole.
TEST(EventQueue, HoldModelMatchesASortedReference) {
  Rng rng(7);
  EventQueue q;
  std::set<std::tuple<int64_t, uint64_t, uint32_t>> ref;
  uint64_t seq = 0;
  uint32_t slot = 0;
  auto push = [&](int64_t t) {
    q.Push(t, slot);
    ref.emplace(t, seq++, slot++);
  };
  for (int i = 0; i < 5000; ++i) push(rng.UniformInt(0, kSecond));
  for (int i = 0; i < 200000; ++i) {
    ASSERT_EQ(q.size(), ref.size());
    const auto want = *ref.begin();
    ref.erase(ref.begin());
    ASSERT_EQ(q.top_time(), std::get<0>(want));
    const EventQueue::Entry e = q.Pop();
    ASSERT_EQ(e.time(), std::get<0>(want));
    ASSERT_EQ(e.slot(), std::get<2>(want));
    const int pushes = static_cast<int>(rng.UniformInt(0, 2)) + (ref.size() < 1000 ? 1 : 0);
    for (int k = 0; k < pushes; ++k) {
      const int64_t scale = int64_t{1} << rng.UniformInt(0, 30);
      push(e.time() + (rng.Chance(0.1) ? 0 : rng.UniformInt(0, scale)));
    }
  }
}

TEST(EventQueue, RenumberingKeepsOrder) {
  EventQueue q;
  q.SetNextSeqForTest(0xFFFFFFFFull - 3);
  for (uint32_t i = 0; i < 10; ++i) q.Push(100, i);  // crosses the limit
  q.Push(50, 99);
  EXPECT_EQ(q.Pop().slot(), 99u);
  for (uint32_t i = 0; i < 10; ++i) EXPECT_EQ(q.Pop().slot(), i);
}

TEST(EventQueue, RetimeReordersAndKeepsTies) {
  EventQueue q;
  q.Push(10, 1);
  q.Push(20, 2);
  q.Push(30, 3);
  q.Retime([](int64_t t, uint32_t slot) { return slot == 3 ? 5 : t; });
  EXPECT_EQ(q.Pop().slot(), 3u);
  EXPECT_EQ(q.Pop().slot(), 1u);
  EXPECT_EQ(q.Pop().slot(), 2u);
}

}  // namespace
}  // namespace dsim
