#include "sim/trace.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace dsim {
namespace {

// MixBytes as its definition reads: 8-byte little-endian words, then the
// remaining bytes one at a time. Every trace hash dsim has printed depends
// on it, so the word-at-a-time tail must give the same value.
uint64_t ReferenceMixBytes(std::string_view bytes) {
  Trace t;
  size_t i = 0;
  uint64_t acc = bytes.size();
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, bytes.data() + i, 8);
    acc = (acc ^ w) * 0xFF51AFD7ED558CCDull;
    acc ^= acc >> 29;
  }
  uint64_t tail = 0;
  for (size_t k = 0; i < bytes.size(); ++i, k += 8) {
    tail |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[i])) << k;
  }
  t.Mix(acc ^ (tail * 0xC4CEB9FE1A85EC53ull));
  return t.hash();
}

TEST(Trace, MixBytesOfEveryLengthMatchesTheByteLoop) {
  std::string bytes;
  for (int n = 0; n <= 40; ++n) {
    Trace t;
    t.MixBytes(bytes);
    EXPECT_EQ(t.hash(), ReferenceMixBytes(bytes)) << n << " bytes";
    bytes.push_back(static_cast<char>(0x9D * (n + 1)));
  }
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
