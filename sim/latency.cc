#include "sim/latency.h"

#include "absl/strings/str_format.h"
#include "sim/time.h"

namespace dsim {

std::string LatencyDist::ToString() const {
  switch (kind) {
    case Kind::kConstant:
      return absl::StrFormat("constant %s", FormatDuration(min_ns));
    case Kind::kUniform:
      return absl::StrFormat("uniform %s..%s", FormatDuration(min_ns),
                             FormatDuration(max_ns));
    case Kind::kLongTail:
      return absl::StrFormat("longtail min %s median %s cap %s",
                             FormatDuration(min_ns), FormatDuration(median_ns),
                             FormatDuration(max_ns));
  }
  return "?";
}

}  // namespace dsim
