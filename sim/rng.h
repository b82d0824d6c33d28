// Seeded randomness for a simulation: xoshiro256** seeded by SplitMix64, with
// named independent streams and our own distributions.
//
// Every consumer (the network, the nemesis, each node, each client) draws from
// its own stream, derived from (run seed, stream name), so adding a consumer
// never shifts the numbers another one sees. No standard-library
// distribution classes (their output differs between standard libraries) and
// no Abseil bit generator (seeded per process).
//
//   Rng net = Rng::ForStream(seed, "network");
//   int64_t delay = net.UniformInt(100'000, 1'000'000);  // inclusive range
//   if (net.Chance(0.01)) { /* drop */ }
#ifndef DSIM_SIM_RNG_H_
#define DSIM_SIM_RNG_H_

#include <cstdint>
#include <string_view>

#include "sim/assert.h"

namespace dsim {

// SplitMix64 step: used to seed and to mix.
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A 64-bit FNV-1a hash of a stream name: stable across compilers and runs.
inline uint64_t StableNameHash(std::string_view name) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001B3ull;
  }
  return h;
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t sm = seed;
    for (uint64_t& word : s_) word = SplitMix64(sm);
  }

  // The stream `name` of run `seed`.
  static Rng ForStream(uint64_t seed, std::string_view name) {
    uint64_t mixed = seed ^ 0x6A09E667F3BCC909ull;
    uint64_t a = SplitMix64(mixed);
    uint64_t h = StableNameHash(name);
    return Rng(a ^ (h * 0xD6E8FEB86659FD93ull));
  }

  uint64_t Next64() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n), n > 0: Lemire's nearly-divisionless method.
  uint64_t Uniform(uint64_t n) {
    DSIM_ASSERT(n > 0);
    unsigned __int128 m = static_cast<unsigned __int128>(Next64()) * n;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = -n % n;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(Next64()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

  // Uniform in [lo, hi], inclusive. REQUIRES: lo <= hi.
  int64_t UniformInt(int64_t lo, int64_t hi) {
    DSIM_ASSERT(lo <= hi);
    const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
    if (span == ~0ull) return static_cast<int64_t>(Next64());
    return static_cast<int64_t>(static_cast<uint64_t>(lo) + Uniform(span + 1));
  }

  // Uniform double in [0, 1) with 53 random bits: exact IEEE arithmetic.
  double NextDouble() {
    return static_cast<double>(Next64() >> 11) * 0x1.0p-53;
  }

  // True with probability p (clamped to [0, 1]).
  bool Chance(double p) {
    if (!(p > 0)) return false;
    if (p >= 1) return true;
    return (Next64() >> 11) < static_cast<uint64_t>(p * 0x1.0p53);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace dsim

#endif  // DSIM_SIM_RNG_H_
