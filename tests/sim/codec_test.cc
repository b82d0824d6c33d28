#include "sim/codec.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace dsim {
namespace {

struct Entry {
  uint64_t instance = 0;
  std::string value;
  DSIM_FIELDS(instance, value)
  bool operator==(const Entry&) const = default;
};

enum class Color : uint8_t { kRed = 1, kBlue = 2 };

struct Message {
  int64_t a = 0;
  uint32_t b = 0;
  bool c = false;
  Color color = Color::kRed;
  std::vector<Entry> entries;
  std::optional<Entry> maybe;
  std::map<std::string, int64_t> m;
  std::pair<int32_t, std::string> p;
  DSIM_FIELDS(a, b, c, color, entries, maybe, m, p)
  bool operator==(const Message&) const = default;
};

TEST(Codec, RoundTrip) {
  Message in{-123456789, 42, true, Color::kBlue, {{1, "x"}, {2, ""}}, Entry{7, "y"},
             {{"k", -1}, {"z", 1LL << 40}}, {-3, "pp"}};
  const std::string bytes = Encode(in);
  Message out;
  ASSERT_TRUE(DecodeFrom(bytes, out));
  EXPECT_EQ(in, out);
}

TEST(Codec, RejectsTruncatedAndTrailingBytes) {
  Message in{1, 2, false, Color::kRed, {{1, "abc"}}, std::nullopt, {}, {0, ""}};
  const std::string bytes = Encode(in);
  for (size_t n = 0; n < bytes.size(); ++n) {
    Message out;
    EXPECT_FALSE(DecodeFrom(std::string_view(bytes).substr(0, n), out)) << n;
  }
  Message out;
  EXPECT_FALSE(DecodeFrom(bytes + "x", out));
}

TEST(Codec, HugeLengthDoesNotAllocate) {
  std::string bytes;
  Writer w(bytes);
  w.PutVarint(1ull << 60);  // a vector length far beyond the input
  std::vector<Entry> v;
  EXPECT_FALSE(DecodeFrom(bytes, v));
}

}  // namespace
}  // namespace dsim
