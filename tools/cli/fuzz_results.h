// The results of `dsim fuzz --out`: one JSON line per finished seed, and the
// summary printed from them by `dsim fuzz` and `dsim merge`.
//
//   ResultsWriter w;
//   absl::Status s = w.Open("out.jsonl", /*append=*/false);
//   w.Append(line);                     // one write(2) per line: whole lines only
//   absl::StatusOr<ResultsFile> f = ReadResults("out.jsonl");
//
// A line is written with a single write(2) after its seed finished, so a run
// killed at any moment (SIGKILL, a lost node) leaves a file of whole lines,
// each a seed that finished; a torn last line from some other writer is
// reported, and `--resume` cuts it off.
#ifndef DSIM_TOOLS_CLI_FUZZ_RESULTS_H_
#define DSIM_TOOLS_CLI_FUZZ_RESULTS_H_

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dsim {

// What a results line says about its seed.
struct SeedOutcome {
  uint64_t seed = 0;
  bool pass = false;
  std::string why;     // the first unmet expectation, for a failing seed
  std::string replay;  // the dsim run command, for a failing seed
  std::string trace_hash;
  double wall_ms = 0;
};

struct ResultsFile {
  std::string scenario;  // the scenario's name (every line must agree)
  std::vector<SeedOutcome> seeds;  // in file order
  uint64_t whole_bytes = 0;        // up to the end of the last whole line
  bool torn_tail = false;          // bytes after the last newline
};

// Reads a results file; a line that is not a results object is an error
// naming the file and line.
absl::StatusOr<ResultsFile> ReadResults(const std::string& path);

// Appends whole lines to a results file.
class ResultsWriter {
 public:
  ResultsWriter() = default;
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;
  ~ResultsWriter();
  // append: keep what is there (cut to `keep_bytes`, the whole lines).
  absl::Status Open(const std::string& path, bool append, uint64_t keep_bytes = 0);
  bool is_open() const { return fd_ >= 0; }
  // `line` without its newline. False once a write failed (disk full).
  bool Append(const std::string& line);
  // False if any write or the close failed.
  bool Close();

 private:
  int fd_ = -1;
  bool ok_ = true;
};

// Compact seed ranges: {1,2,3,7} -> "1..3, 7"; at most `max_ranges`, then
// "... (N more ranges)".
std::string FormatSeedRanges(const std::vector<std::pair<uint64_t, uint64_t>>& ranges,
                             size_t max_ranges = 8);

// The seeds of [first, last] with no outcome in `done`, as ranges.
std::vector<std::pair<uint64_t, uint64_t>> MissingSeeds(const std::map<uint64_t, SeedOutcome>& done,
                                                        uint64_t first, uint64_t last);

// The "failing seeds:" block of a fuzz summary: the first `shown` failing
// seeds of `outcomes` (in seed order) with their replay commands.
void PrintFailingSeeds(const std::map<uint64_t, SeedOutcome>& outcomes, uint64_t failed,
                       bool all_in_out, std::ostream& out);

}  // namespace dsim

#endif  // DSIM_TOOLS_CLI_FUZZ_RESULTS_H_
