// Typed records on a node's disk: each kind of record owns its key format
// and its encoding in one place, and recovery decodes what the node itself
// wrote - a record that does not decode is a bug, so it stops the run.
//
//   constexpr DurableCell<Ballot> kPromised{"promised"};
//   kPromised.Store(ctx, promised_);
//   if (std::optional<Ballot> p = kPromised.Load(ctx)) promised_ = *p;
//
//   // Keyed records: the key format fixes the order a scan visits them in.
//   constexpr DurableTable<int64_t, LogEntry, DecimalKey<12>> kAccepted{"a/"};
//   kAccepted.Put(ctx, 17, entry);
//   kAccepted.Scan(ctx, [&](int64_t instance, LogEntry e) { ... });  // 1, 2, ..., 17
//
// Writes cost what DiskView's cost; only a Sync makes them durable.
#ifndef DSIM_SIM_DURABLE_H_
#define DSIM_SIM_DURABLE_H_

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/assert.h"
#include "sim/codec.h"
#include "sim/process.h"

namespace dsim {

template <class T>
class DurableCell {
 public:
  constexpr explicit DurableCell(const char* key) : key_(key) {}
  std::optional<T> Load(Context& ctx) const {
    const std::string* s = ctx.disk().Get(key_);
    if (s == nullptr) return std::nullopt;
    return MustDecode<T>(*s, key_);
  }
  void Store(Context& ctx, const T& value) const { ctx.disk().Put(key_, Encode(value)); }
  const char* key() const { return key_; }

 private:
  const char* key_;
};

// Key formats for DurableTable: Append writes a key's suffix, Parse reads
// it back (nullopt: not one of ours).

// `Digits` decimal digits, zero-padded: keys sort in numeric order.
template <int Digits>
struct DecimalKey {
  static void Append(int64_t k, std::string& out) {
    DSIM_ASSERT_MSG(k >= 0, "a negative decimal key %d", k);
    char digits[Digits];
    std::fill(digits, digits + Digits, '0');
    for (int p = Digits; k > 0 && p > 0; k /= 10) digits[--p] = static_cast<char>('0' + k % 10);
    DSIM_ASSERT_MSG(k == 0, "a key beyond %d digits", Digits);
    out.append(digits, Digits);
  }
  static std::optional<int64_t> Parse(std::string_view s) {
    if (s.size() != Digits) return std::nullopt;
    int64_t k = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      k = k * 10 + (c - '0');
    }
    return k;
  }
};

// 16 lowercase hex digits of a 64-bit key: keys sort in unsigned order.
struct HexKey {
  static void Append(int64_t k, std::string& out) {
    static constexpr char kDigits[] = "0123456789abcdef";
    const uint64_t u = static_cast<uint64_t>(k);
    for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kDigits[(u >> shift) & 0xF]);
  }
  static std::optional<int64_t> Parse(std::string_view s) {
    if (s.size() != 16) return std::nullopt;
    uint64_t u = 0;
    for (char c : s) {
      const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) return std::nullopt;
      u = u << 4 | static_cast<uint64_t>(d);
    }
    return static_cast<int64_t>(u);
  }
};

// The codec's varint bytes: compact and unique, but they do not sort in
// numeric order (a scan visits keys in byte order).
struct VarintKey {
  static void Append(uint64_t k, std::string& out) { EncodeTo(k, out); }
  static std::optional<uint64_t> Parse(std::string_view s) {
    uint64_t k = 0;
    if (!DecodeFrom(s, k)) return std::nullopt;
    return k;
  }
};

template <class K, class V, class Format>
class DurableTable {
 public:
  constexpr explicit DurableTable(const char* prefix) : prefix_(prefix) {}

  std::string Key(K k) const {
    std::string key = prefix_;
    Format::Append(k, key);
    return key;
  }
  void Put(Context& ctx, K k, const V& value) const { ctx.disk().Put(Key(k), Encode(value)); }
  // For a value already encoded (into a reused buffer).
  void PutEncoded(Context& ctx, K k, std::string_view bytes) const { ctx.disk().Put(Key(k), bytes); }
  void Delete(Context& ctx, K k) const { ctx.disk().Delete(Key(k)); }
  // Every record, in key order: fn(K, V).
  template <class Fn>
  void Scan(Context& ctx, Fn&& fn) const {
    const std::string_view prefix(prefix_);
    ctx.disk().Scan(prefix, [&](std::string_view key, std::string_view value) {
      const std::optional<K> k = Format::Parse(key.substr(prefix.size()));
      DSIM_ASSERT_MSG(k.has_value(), "a malformed key under %s", prefix_);
      fn(*k, MustDecode<V>(value, prefix_));
    });
  }

 private:
  const char* prefix_;
};

// Keys alone (an empty value marks each): "this transaction precommitted".
template <class K, class Format>
class DurableSet {
 public:
  constexpr explicit DurableSet(const char* prefix) : prefix_(prefix) {}
  std::string Key(K k) const {
    std::string key = prefix_;
    Format::Append(k, key);
    return key;
  }
  void Add(Context& ctx, K k) const { ctx.disk().Put(Key(k), ""); }
  void Remove(Context& ctx, K k) const { ctx.disk().Delete(Key(k)); }
  // Every key, in key order: fn(K).
  template <class Fn>
  void Scan(Context& ctx, Fn&& fn) const {
    const std::string_view prefix(prefix_);
    ctx.disk().Scan(prefix, [&](std::string_view key, std::string_view) {
      const std::optional<K> k = Format::Parse(key.substr(prefix.size()));
      DSIM_ASSERT_MSG(k.has_value(), "a malformed key under %s", prefix_);
      fn(*k);
    });
  }

 private:
  const char* prefix_;
};

}  // namespace dsim

#endif  // DSIM_SIM_DURABLE_H_
