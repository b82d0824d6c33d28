// Dense ids for byte strings: equal strings get the same 32-bit id, in order
// of first appearance, so checks can compare and index values by id.
//
//   Interner values;
//   uint32_t a = values.Intern("x");   // 0
//   values.Intern("x") == a;           // true
//   values.value(a) == "x";            // true
#ifndef DSIM_SIM_INTERNER_H_
#define DSIM_SIM_INTERNER_H_

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "sim/absl_view.h"

namespace dsim {

class Interner {
 public:
  uint32_t Intern(std::string_view s) {
    auto it = ids_.find(AV(s));
    if (it != ids_.end()) return it->second;
    const uint32_t id = static_cast<uint32_t>(values_.size());
    values_.emplace_back(s);
    ids_.emplace(AV(values_.back()), id);
    return id;
  }
  const std::string& value(uint32_t id) const { return values_[id]; }
  size_t size() const { return values_.size(); }

 private:
  std::deque<std::string> values_;  // a deque never moves them: ids_ keys point in
  absl::flat_hash_map<absl::string_view, uint32_t> ids_;
};

}  // namespace dsim

#endif  // DSIM_SIM_INTERNER_H_
