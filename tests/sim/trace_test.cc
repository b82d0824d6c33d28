#include "sim/trace.h"

#include <cstdint>
#include <string>

#include "gtest/gtest.h"

namespace dsim {
namespace {

// Every trace hash dsim has printed depends on the tail of a payload being
// read byte by byte, lowest first; the word-at-a-time read must agree, for
// every length and every start of the tail.
TEST(Trace, TailWordMatchesTheByteLoop) {
  std::string bytes;
  for (int n = 0; n <= 40; ++n) {
    for (size_t from = n >= 7 ? n - 7 : 0; from <= static_cast<size_t>(n); ++from) {
      uint64_t want = 0;
      for (size_t i = from, k = 0; i < bytes.size(); ++i, k += 8) {
        want |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[i])) << k;
      }
      EXPECT_EQ(Trace::TailWord(bytes, from), want) << n << " bytes from " << from;
    }
    bytes.push_back(static_cast<char>(0x9D * (n + 1)));
  }
}

// Payloads of every length from 0 to 40 bytes, mixed in turn, give the hash
// the byte-at-a-time MixBytes gave (computed with it once): hashes printed
// before stay valid.
TEST(Trace, MixBytesKeepsItsValues) {
  Trace all;
  std::string bytes;
  for (int n = 0; n <= 40; ++n) {
    all.MixBytes(bytes);
    bytes.push_back(static_cast<char>(0x9D * (n + 1)));
  }
  EXPECT_EQ(all.hash(), 0xc26b926424000338ull);
}

TEST(Trace, MixBytesSeesEveryByte) {
  const std::string base(23, 'a');
  Trace a;
  a.MixBytes(base);
  for (size_t i = 0; i < base.size(); ++i) {
    std::string changed = base;
    changed[i] = 'b';
    Trace b;
    b.MixBytes(changed);
    EXPECT_NE(a.hash(), b.hash()) << "byte " << i;
  }
}

}  // namespace
}  // namespace dsim
