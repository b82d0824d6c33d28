// The fingerprint of a run: a running 64-bit hash over every engine event
// (send, deliver, drop, timer, boot, crash, restart, fault, client operation,
// protocol note), and optionally the same events as JSON lines.
//
// Two runs with the same trace hash did the same thing in the same order at
// the same simulated times; `dsim diff` finds where two JSON traces part.
//
//   Trace t;
//   t.Mix(event_word); t.Mix(time_ns);
//   std::string hex = t.HashHex();   // 16 hex digits
#ifndef DSIM_SIM_TRACE_H_
#define DSIM_SIM_TRACE_H_

#include <cstdint>
#include <cstring>
#include <ostream>
#include <string>
#include <string_view>

namespace dsim {

class Trace {
 public:
  void Mix(uint64_t v) {
    uint64_t h = hash_ ^ v;
    h *= 0x9E3779B97F4A7C15ull;
    h ^= h >> 32;
    hash_ = h * 0xD6E8FEB86659FD93ull;
  }
  // Mixes a byte string (a payload) by 8-byte words, little-endian.
  void MixBytes(std::string_view bytes) {
    size_t i = 0;
    uint64_t acc = bytes.size();
    for (; i + 8 <= bytes.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, bytes.data() + i, 8);
      acc = (acc ^ w) * 0xFF51AFD7ED558CCDull;
      acc ^= acc >> 29;
    }
    const uint64_t tail = TailWord(bytes, i);
    Mix(acc ^ (tail * 0xC4CEB9FE1A85EC53ull));
  }
  void MixString(std::string_view s) { MixBytes(s); }

  // Bytes [from, size) of `bytes` (fewer than eight) as a little-endian
  // word, the first of them lowest. With eight bytes or more in all, the
  // last eight read as one word and shifted down give the same value
  // without a branch per byte.
  static uint64_t TailWord(std::string_view bytes, size_t from) {
    const size_t rest = bytes.size() - from;
    uint64_t tail = 0;
    if (rest > 0 && bytes.size() >= 8) {
      std::memcpy(&tail, bytes.data() + bytes.size() - 8, 8);
      return tail >> (8 * (8 - rest));
    }
    for (size_t k = 0; from < bytes.size(); ++from, k += 8) {
      tail |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[from])) << k;
    }
    return tail;
  }

  uint64_t hash() const { return hash_; }
  std::string HashHex() const;

  void SetOutput(std::ostream* out) { out_ = out; }
  bool writing() const { return out_ != nullptr; }
  void WriteLine(std::string_view line) {
    out_->write(line.data(), static_cast<std::streamsize>(line.size()));
    out_->put('\n');
  }

 private:
  uint64_t hash_ = 0x243F6A8885A308D3ull;
  std::ostream* out_ = nullptr;
};

std::string HashToHex(uint64_t h);

}  // namespace dsim

#endif  // DSIM_SIM_TRACE_H_
