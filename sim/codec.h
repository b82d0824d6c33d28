// Compact binary encoding of protocol messages and disk records.
//
// A message is a plain struct that lists its fields once; Encode and Decode
// walk that list. Integers are varints (signed ones zigzagged), strings and
// containers are length-prefixed, nested structs recurse.
//
//   struct Prepare {
//     static constexpr uint16_t kType = 1;
//     static constexpr const char* kName = "Prepare";
//     uint64_t ballot = 0;
//     std::vector<Entry> accepted;
//     DSIM_FIELDS(ballot, accepted)
//   };
//   std::string bytes; EncodeTo(msg, bytes);
//   Prepare back; bool ok = DecodeFrom(bytes, back);
#ifndef DSIM_SIM_CODEC_H_
#define DSIM_SIM_CODEC_H_

#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/assert.h"

#define DSIM_FIELDS(...)                        \
  template <class DsimVisitor>                  \
  void Fields(DsimVisitor& dsim_visitor_) {     \
    dsim_visitor_(__VA_ARGS__);                 \
  }                                             \
  template <class DsimVisitor>                  \
  void Fields(DsimVisitor& dsim_visitor_) const { \
    dsim_visitor_(__VA_ARGS__);                 \
  }

namespace dsim {

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  template <class... Ts>
  void operator()(const Ts&... values) {
    (Put(values), ...);
  }

  void PutVarint(uint64_t v) {
    if (v < 0x80) {  // the common case: one byte
      out_.push_back(static_cast<char>(v));
      return;
    }
    char buf[10];
    size_t n = 0;
    while (v >= 0x80) {
      buf[n++] = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    out_.append(buf, n);
  }

  template <class T>
  void Put(const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      out_.push_back(v ? 1 : 0);
    } else if constexpr (std::is_enum_v<T>) {
      Put(static_cast<std::underlying_type_t<T>>(v));
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      const int64_t s = v;
      PutVarint((static_cast<uint64_t>(s) << 1) ^ static_cast<uint64_t>(s >> 63));
    } else if constexpr (std::is_integral_v<T>) {
      PutVarint(v);
    } else if constexpr (std::is_same_v<T, std::string>) {
      PutVarint(v.size());
      out_.append(v);
    } else {
      PutCompound(v);
    }
  }

 private:
  template <class T>
  void PutCompound(const std::vector<T>& v) {
    PutVarint(v.size());
    for (const T& e : v) Put(e);
  }
  template <class T>
  void PutCompound(const std::optional<T>& v) {
    Put(v.has_value());
    if (v) Put(*v);
  }
  template <class A, class B>
  void PutCompound(const std::pair<A, B>& v) {
    Put(v.first);
    Put(v.second);
  }
  template <class K, class V>
  void PutCompound(const std::map<K, V>& m) {
    PutVarint(m.size());
    for (const auto& [k, val] : m) {
      Put(k);
      Put(val);
    }
  }
  template <class T>
  void PutCompound(const std::set<T>& v) {
    PutVarint(v.size());
    for (const T& e : v) Put(e);
  }
  template <class T>
  void PutCompound(const T& v) {
    v.Fields(*this);
  }

  std::string& out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  // Whether every read so far succeeded and the input was consumed exactly.
  bool Done() const { return ok_ && pos_ == in_.size(); }
  bool ok() const { return ok_; }

  template <class... Ts>
  void operator()(Ts&... values) {
    (Get(values), ...);
  }

  uint64_t GetVarint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) {
        ok_ = false;
        return 0;
      }
      const uint8_t b = static_cast<uint8_t>(in_[pos_++]);
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    ok_ = false;
    return 0;
  }

  template <class T>
  void Get(T& v) {
    if (!ok_) return;
    if constexpr (std::is_same_v<T, bool>) {
      if (pos_ >= in_.size()) {
        ok_ = false;
        return;
      }
      v = in_[pos_++] != 0;
    } else if constexpr (std::is_enum_v<T>) {
      std::underlying_type_t<T> u{};
      Get(u);
      v = static_cast<T>(u);
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      const uint64_t z = GetVarint();
      v = static_cast<T>(static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1)));
    } else if constexpr (std::is_integral_v<T>) {
      v = static_cast<T>(GetVarint());
    } else if constexpr (std::is_same_v<T, std::string>) {
      const uint64_t n = GetVarint();
      if (!ok_ || n > in_.size() - pos_) {
        ok_ = false;
        return;
      }
      v.assign(in_.data() + pos_, n);
      pos_ += n;
    } else {
      GetCompound(v);
    }
  }

 private:
  template <class T>
  void GetCompound(std::vector<T>& v) {
    const uint64_t n = GetVarint();
    if (!ok_ || n > in_.size() - pos_) {  // each element takes >= 1 byte
      ok_ = false;
      return;
    }
    v.clear();
    v.resize(n);
    for (T& e : v) Get(e);
  }
  template <class T>
  void GetCompound(std::optional<T>& v) {
    bool has = false;
    Get(has);
    if (!has) {
      v.reset();
      return;
    }
    v.emplace();
    Get(*v);
  }
  template <class A, class B>
  void GetCompound(std::pair<A, B>& v) {
    Get(v.first);
    Get(v.second);
  }
  template <class K, class V>
  void GetCompound(std::map<K, V>& m) {
    const uint64_t n = GetVarint();
    m.clear();
    for (uint64_t i = 0; ok_ && i < n; ++i) {
      K k{};
      V val{};
      Get(k);
      Get(val);
      m.emplace(std::move(k), std::move(val));
    }
  }
  template <class T>
  void GetCompound(std::set<T>& v) {
    const uint64_t n = GetVarint();
    v.clear();
    for (uint64_t i = 0; ok_ && i < n; ++i) {
      T e{};
      Get(e);
      v.insert(std::move(e));
    }
  }
  template <class T>
  void GetCompound(T& v) {
    v.Fields(*this);
  }

  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

template <class T>
void EncodeTo(const T& value, std::string& out) {
  Writer w(out);
  w.Put(value);
}

template <class T>
std::string Encode(const T& value) {
  std::string out;
  EncodeTo(value, out);
  return out;
}

// False if `bytes` is not exactly one encoded T.
template <class T>
[[nodiscard]] bool DecodeFrom(std::string_view bytes, T& value) {
  Reader r(bytes);
  r.Get(value);
  return r.Done();
}

// For bytes dsim wrote itself (a node's own disk, a run's own log): a T that
// does not decode is a bug, so it stops the run. `what` names the bytes.
template <class T>
T MustDecode(std::string_view bytes, const char* what) {
  T value;
  DSIM_ASSERT_MSG(DecodeFrom(bytes, value), "%s does not decode (%d bytes)", what, bytes.size());
  return value;
}

}  // namespace dsim

#endif  // DSIM_SIM_CODEC_H_
