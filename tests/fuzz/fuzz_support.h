// What the libFuzzer targets in tests/fuzz/ share: the bytes as text, the
// registry of every built-in protocol, and the rule every reader must keep
// on bad input — a one-line error that starts with the file's name.
//
// Each target defines LLVMFuzzerTestOneInput. Built with -DDSIM_FUZZ=ON
// (clang) it links libFuzzer; in the ordinary build it links replay_main.cc,
// which feeds it every file of its regression corpus (a ctest test each).
#ifndef DSIM_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define DSIM_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "sim/assert.h"
#include "sim/protocol.h"
#include "tools/cli/builtin.h"

namespace dsim::fuzz {

inline constexpr const char* kFile = "fuzz-input";

inline std::string_view Text(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

inline const ProtocolRegistry& Registry() {
  static const ProtocolRegistry* registry = [] {
    auto* r = new ProtocolRegistry;
    RegisterBuiltinProtocols(*r);
    return r;
  }();
  return *registry;
}

// Bad input is an InvalidArgument naming the file, on one line.
inline void AssertOneLineError(const absl::Status& s) {
  DSIM_ASSERT(!s.ok());
  DSIM_ASSERT_MSG(s.code() == absl::StatusCode::kInvalidArgument, "error code %d: %s",
                  static_cast<int>(s.code()), std::string(s.message()));
  const std::string m(s.message());
  DSIM_ASSERT_MSG(m.rfind(kFile, 0) == 0, "error does not name the file: %s", m);
  DSIM_ASSERT_MSG(m.find('\n') == std::string::npos, "error spans lines: %s", m);
}

}  // namespace dsim::fuzz

#endif  // DSIM_TESTS_FUZZ_FUZZ_SUPPORT_H_
