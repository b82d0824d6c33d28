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

// The varint as the wire format defines it: seven bits a byte, low groups
// first, the high bit set on every byte but the last.
std::string ReferenceVarint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}

TEST(Codec, VarintsOfEveryLength) {
  std::vector<uint64_t> values = {0, ~0ull};
  for (int bit = 0; bit < 64; ++bit) {
    const uint64_t p = 1ull << bit;
    values.insert(values.end(), {p - 1, p, p + 1, p | (p >> 1), (p - 1) ^ 0x5555555555555555ull});
  }
  for (const uint64_t v : values) {
    std::string bytes;
    Writer(bytes).PutVarint(v);
    ASSERT_EQ(bytes, ReferenceVarint(v)) << v;
    // Alone, and followed by other bytes.
    for (const std::string& tail : {std::string(), std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x09", 9)}) {
      const std::string input = bytes + tail;  // the reader keeps a view
      Reader r(input);
      EXPECT_EQ(r.GetVarint(), v) << v << " with " << tail.size() << " bytes after";
      EXPECT_TRUE(r.ok());
      for (size_t i = 0; i < tail.size(); ++i) EXPECT_EQ(r.GetVarint(), static_cast<uint64_t>(i + 1));
      EXPECT_TRUE(r.Done()) << v;
    }
  }
}

TEST(Codec, VarintCutShortOrTooLongIsAnError) {
  // Eight continuation bytes and then the end of the input.
  const std::string cut_bytes(8, '\x80');
  Reader cut(cut_bytes);
  cut.GetVarint();
  EXPECT_FALSE(cut.ok());
  // Eleven continuation bytes: longer than any 64-bit value.
  const std::string endless_bytes = std::string(11, '\xff') + std::string(8, '\x00');
  Reader endless(endless_bytes);
  endless.GetVarint();
  EXPECT_FALSE(endless.ok());
  // A zero spelled with a needless continuation byte still reads as zero.
  const std::string padded_bytes = std::string("\x80\x00", 2) + std::string(8, '\x00');
  Reader padded(padded_bytes);
  EXPECT_EQ(padded.GetVarint(), 0u);
  EXPECT_TRUE(padded.ok());
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
