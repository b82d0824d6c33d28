#include "sim/assert.h"

#include <cstdio>
#include <cstdlib>

namespace dsim {

void AssertionFailed(const char* file, int line, const char* expr,
                     const std::string& message) {
  std::fprintf(stderr, "dsim: internal assertion failed at %s:%d: %s%s%s\n",
               file, line, expr, message.empty() ? "" : ": ",
               message.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace dsim
