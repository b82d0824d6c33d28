// Debian's Abseil has its own string_view type; this converts ours at the
// boundary.
#ifndef DSIM_SIM_ABSL_VIEW_H_
#define DSIM_SIM_ABSL_VIEW_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace dsim {

inline absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace dsim

#endif  // DSIM_SIM_ABSL_VIEW_H_
