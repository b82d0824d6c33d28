// A reader for the EDN that Jepsen and Knossos write: nil, booleans,
// integers, strings, keywords, symbols, vectors, lists, sets and maps, with
// `;` comments, commas as whitespace and `#tag` literals (the tag is
// dropped). Enough for histories; not a general Clojure reader.
//
//   EdnReader r(text);
//   absl::StatusOr<std::vector<Edn>> forms = r.ReadAll();   // errors carry a line
#ifndef DSIM_SIM_CHECK_EDN_H_
#define DSIM_SIM_CHECK_EDN_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace dsim {

struct Edn {
  enum class Kind : uint8_t { kNil, kBool, kInt, kFloat, kString, kKeyword, kSymbol,
                              kVector, kList, kSet, kMap };
  Kind kind = Kind::kNil;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;                               // string, keyword (with ':'), symbol
  // Vector, list and set elements; for a map, keys and values alternate
  // (a vector of pairs of an incomplete type is not portable).
  std::vector<Edn> items;
  int line = 0;                                // where the form starts

  bool is_seq() const { return kind == Kind::kVector || kind == Kind::kList; }
  // For maps: the value under keyword `:name`, or nullptr.
  const Edn* Get(std::string_view keyword) const;
  std::string ToString() const;
};

class EdnReader {
 public:
  // Forms nest at most this deep (a Jepsen history nests a few levels);
  // deeper input is an error, not a stack overflow.
  static constexpr int kMaxDepth = 256;

  explicit EdnReader(std::string_view text) : text_(text) {}
  // Every top-level form. Errors read "line N: what".
  absl::StatusOr<std::vector<Edn>> ReadAll();

 private:
  absl::StatusOr<Edn> Read();
  absl::StatusOr<Edn> ReadForm();
  void SkipSpace();
  absl::Status Error(std::string_view what) const;
  absl::StatusOr<Edn> ReadCollection(char close, Edn::Kind kind);
  absl::StatusOr<Edn> ReadString();
  absl::StatusOr<Edn> ReadAtom();

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  int depth_ = 0;  // forms being read, one inside another
};

}  // namespace dsim

#endif  // DSIM_SIM_CHECK_EDN_H_
