#include "sim/trace.h"

#include "absl/strings/str_format.h"

namespace dsim {

std::string HashToHex(uint64_t h) { return absl::StrFormat("%016x", h); }

std::string Trace::HashHex() const { return HashToHex(hash_); }

}  // namespace dsim
