// Typed durable records, and the disk's prefix scan under them.
#include "sim/durable.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "sim/disk.h"
#include "sim/time.h"
#include "tests/testing/fake_context.h"

namespace dsim {
namespace {

using testing::FakeContext;

// The scan sees exactly what contents() sees under the prefix, in the same
// order: the log on top of the folded image, deletes included.
TEST(DiskScanPrefix, AgreesWithContents) {
  Disk d(/*fold_after=*/2);
  for (int i = 0; i < 20; ++i) {
    d.Put("a/" + std::to_string(100 + (i * 7) % 20), std::to_string(i));
    if (i % 3 == 0) d.Sync(i, i);
  }
  d.Put("b/x", "other");
  d.Delete("a/105");
  d.Put("a/103", "latest");
  std::vector<std::pair<std::string, std::string>> scanned, listed;
  d.ScanPrefix("a/", [&](std::string_view k, std::string_view v) { scanned.emplace_back(k, v); });
  for (const auto& [k, v] : d.contents()) {
    if (k.rfind("a/", 0) == 0) listed.emplace_back(k, v);
  }
  EXPECT_EQ(scanned, listed);
  EXPECT_EQ(scanned.size(), 19u);
  bool found = false;
  for (const auto& [k, v] : scanned) found |= k == "a/103" && v == "latest";
  EXPECT_TRUE(found);
}

TEST(KeyFormats, RoundTripAndSortInNumericOrder) {
  std::string a, b;
  DecimalKey<12>::Append(9, a);
  DecimalKey<12>::Append(10, b);
  EXPECT_EQ(a, "000000000009");
  EXPECT_LT(a, b);
  EXPECT_EQ(DecimalKey<12>::Parse(b), 10);
  EXPECT_FALSE(DecimalKey<12>::Parse("12x").has_value());
  std::string h;
  HexKey::Append(0x1'0000'0002, h);
  EXPECT_EQ(h, "0000000100000002");
  EXPECT_EQ(HexKey::Parse(h), 0x1'0000'0002);
  EXPECT_FALSE(HexKey::Parse("000000010000000G").has_value());
  std::string v;
  VarintKey::Append(300, v);
  EXPECT_EQ(VarintKey::Parse(v), 300u);
}

TEST(KeyFormatsDeathTest, ADecimalKeyTooLongIsAnAssertion) {
  std::string s;
  EXPECT_DEATH(DecimalKey<2>::Append(100, s), "beyond 2 digits");
}

struct Entry {
  int64_t n = 0;
  std::string text;
  DSIM_FIELDS(n, text)
};

TEST(DurableRecords, CellsAndTablesSurviveACrashOnlyOnceSynced) {
  constexpr DurableCell<int64_t> kCell{"cell"};
  constexpr DurableTable<int64_t, Entry, DecimalKey<4>> kTable{"t/"};
  constexpr DurableSet<uint64_t, VarintKey> kMarks{"m/"};
  FakeContext ctx(1, 1);
  EXPECT_FALSE(kCell.Load(ctx).has_value());
  kCell.Store(ctx, 7);
  kTable.Put(ctx, 12, {12, "twelve"});
  kTable.Put(ctx, 3, {3, "three"});
  kMarks.Add(ctx, 5);
  ctx.disk().Sync();
  kTable.Put(ctx, 40, {40, "unsynced"});
  kTable.Delete(ctx, 12);
  ctx.Advance(kMillisecond);  // the sync has completed; the writes after it never will
  ctx.Crash();
  EXPECT_EQ(kCell.Load(ctx), 7);
  std::vector<int64_t> keys;
  kTable.Scan(ctx, [&](int64_t k, const Entry& e) {
    EXPECT_EQ(k, e.n);
    keys.push_back(k);
  });
  EXPECT_EQ(keys, (std::vector<int64_t>{3, 12}));  // the delete and the last put were never synced
  std::vector<uint64_t> marks;
  kMarks.Scan(ctx, [&](uint64_t k) { marks.push_back(k); });
  EXPECT_EQ(marks, std::vector<uint64_t>{5});
}

TEST(DurableRecordsDeathTest, ARecordThatDoesNotDecodeStopsTheRun) {
  constexpr DurableCell<Entry> kCell{"cell"};
  FakeContext ctx(1, 1);
  ctx.disk().Put("cell", "\xff\xff");
  EXPECT_DEATH(kCell.Load(ctx), "cell does not decode");
}

}  // namespace
}  // namespace dsim
