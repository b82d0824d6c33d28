#include "sim/disk.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/rng.h"

namespace dsim {
namespace {

TEST(Disk, ReadsSeeUnsyncedWrites) {
  Disk d;
  d.Put("a", "1");
  ASSERT_NE(d.Get("a"), nullptr);
  EXPECT_EQ(*d.Get("a"), "1");
  d.Delete("a");
  EXPECT_EQ(d.Get("a"), nullptr);
}

TEST(Disk, CrashLosesWhatWasNotDurable) {
  Disk d;
  d.Put("a", "1");
  d.Sync(/*now=*/0, /*durable_at=*/100);
  d.Put("b", "2");  // never synced
  d.Crash(/*crash_ns=*/200, /*lose_unsynced=*/true);
  ASSERT_NE(d.Get("a"), nullptr);
  EXPECT_EQ(d.Get("b"), nullptr);
  EXPECT_EQ(d.lost_writes(), 1u);
}

TEST(Disk, CrashDuringSyncLosesTheWrite) {
  Disk d;
  d.Put("a", "1");
  d.Sync(/*now=*/0, /*durable_at=*/100);
  d.Crash(/*crash_ns=*/50, /*lose_unsynced=*/true);  // the fsync had not finished
  EXPECT_EQ(d.Get("a"), nullptr);
}

TEST(Disk, CrashWithoutLossKeepsEverything) {
  Disk d;
  d.Put("a", "1");
  d.Crash(10, /*lose_unsynced=*/false);
  ASSERT_NE(d.Get("a"), nullptr);
}

TEST(Disk, DeletesAreDurableOnlyAfterSync) {
  Disk d;
  d.Put("a", "1");
  d.Sync(0, 10);
  d.Delete("a");
  d.Crash(20, true);
  ASSERT_NE(d.Get("a"), nullptr);  // the delete was lost
  d.Delete("a");
  d.Sync(30, 40);
  d.Crash(50, true);
  EXPECT_EQ(d.Get("a"), nullptr);
}

// The disk against the simplest model of its promise: the writes that can
// still be lost kept in order with the time each becomes durable, on top of
// a map of those that no longer can (durable before `now`, and crashes
// happen at `now` or later). The disk folds its log into its image after
// every few writes, the default after a thousand.
class DiskModelTest : public testing::TestWithParam<size_t> {};

TEST_P(DiskModelTest, MatchesAReplayedLogOfWrites) {
  struct Write {
    std::string key;
    std::optional<std::string> value;
    int64_t durable_at_ns;
  };
  std::map<std::string, std::string> settled;
  std::vector<Write> model;
  auto apply = [](std::map<std::string, std::string>& state, const Write& w) {
    if (w.value) {
      state[w.key] = *w.value;
    } else {
      state.erase(w.key);
    }
  };
  auto replay = [&] {
    std::map<std::string, std::string> state = settled;
    for (const Write& w : model) apply(state, w);
    return state;
  };
  Disk d(GetParam());
  Rng rng(7);
  int64_t now = 0;
  int64_t last_durable = 0;
  uint64_t lost = 0;
  for (int step = 0; step < 20000; ++step) {
    now += rng.UniformInt(0, 100);
    const std::string key = absl::StrCat("k", rng.UniformInt(0, 300));
    const int64_t what = rng.UniformInt(0, 99);
    if (what < 60) {
      const std::string value = absl::StrCat("v", step);
      d.Put(key, value);
      model.push_back({key, value, kForever});
    } else if (what < 70) {
      d.Delete(key);
      model.push_back({key, std::nullopt, kForever});
    } else if (what < 97) {
      last_durable = std::max(last_durable, now) + rng.UniformInt(1, 300);
      d.Sync(now, last_durable);
      for (Write& w : model) {
        if (w.durable_at_ns == kForever) w.durable_at_ns = last_durable;
      }
    } else {
      const bool lose = rng.UniformInt(0, 1) == 1;
      d.Crash(now, lose);
      std::vector<Write> kept;
      for (Write& w : model) {
        if (!lose) w.durable_at_ns = std::min(w.durable_at_ns, now);
        if (w.durable_at_ns <= now) {
          kept.push_back(w);
        } else {
          ++lost;
        }
      }
      model = kept;
      last_durable = std::max(last_durable, now);
    }
    size_t settle = 0;
    while (settle < model.size() && model[settle].durable_at_ns <= now) apply(settled, model[settle++]);
    model.erase(model.begin(), model.begin() + static_cast<std::ptrdiff_t>(settle));
    std::optional<std::string> want;
    if (auto it = settled.find(key); it != settled.end()) want = it->second;
    for (const Write& w : model) {
      if (w.key == key) want = w.value;
    }
    const std::string* got = d.Get(key);
    ASSERT_EQ(got != nullptr, want.has_value()) << "step " << step << " key " << key;
    if (got != nullptr) {
      ASSERT_EQ(*got, *want) << "step " << step;
    }
    if (step % 1000 == 0) {
      const Disk::Map& all = d.contents();
      const std::map<std::string, std::string> have(all.begin(), all.end());
      ASSERT_EQ(have, replay()) << "step " << step;
    }
  }
  // Two unsynced writes of a key are one write on the disk: it may count
  // fewer lost writes than the model, never none when the model lost some.
  EXPECT_GT(lost, 0u);
  EXPECT_GT(d.lost_writes(), 0u);
  EXPECT_LE(d.lost_writes(), lost);
}

INSTANTIATE_TEST_SUITE_P(FoldAfter, DiskModelTest, testing::Values(1, 4, 1024));

}  // namespace
}  // namespace dsim
