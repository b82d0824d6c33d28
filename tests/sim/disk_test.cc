#include "sim/disk.h"

#include "gtest/gtest.h"

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

}  // namespace
}  // namespace dsim
