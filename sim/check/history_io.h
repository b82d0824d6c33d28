// Reading histories from anywhere, the format detected from the content:
//
//   - Jepsen / Knossos EDN: a vector or list of operation maps, or one map
//     per line, with :process :type :f :value, optional :key and :time;
//     entries from :process :nemesis are not client operations and are
//     skipped;
//   - Jepsen log lines, as in Porcupine's etcd data:
//       INFO  jepsen.util - 3	:invoke	:read	nil
//   - dsim JSON: what `dsim run --history` writes, an array of objects with
//     process, type, f, value and optional key, time, node, index.
//
// Malformed input is a one-line error "FILE:LINE: what is wrong".
//
//   absl::StatusOr<History> h = LoadHistoryFile("etcd_002.log");
#ifndef DSIM_SIM_CHECK_HISTORY_IO_H_
#define DSIM_SIM_CHECK_HISTORY_IO_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "sim/history.h"

namespace dsim {

enum class HistoryFormat { kEdn, kJepsenLog, kDsimJson };
const char* HistoryFormatName(HistoryFormat f);

struct ParsedHistory {
  History events;
  HistoryFormat format = HistoryFormat::kEdn;
};

absl::StatusOr<ParsedHistory> ParseHistory(std::string_view text, const std::string& file);
// The format ParseHistory reads `text` as: nullopt when it is empty or none.
std::optional<HistoryFormat> DetectHistoryFormat(std::string_view text);
absl::StatusOr<ParsedHistory> LoadHistoryFile(const std::string& path);

}  // namespace dsim

#endif  // DSIM_SIM_CHECK_HISTORY_IO_H_
