#include "tools/cli/fuzz_results.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

namespace dsim {
namespace {

constexpr size_t kShownFailures = 20;

absl::Status LineError(const std::string& path, uint64_t line, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrFormat("%s:%d: %s", path, line, what));
}

}  // namespace

absl::StatusOr<ResultsFile> ReadResults(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrFormat("%s: cannot read the file", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  ResultsFile f;
  size_t at = 0;
  uint64_t number = 0;
  while (at < text.size()) {
    const size_t nl = text.find('\n', at);
    if (nl == std::string::npos) {  // a torn last line: no seed of it counts
      f.torn_tail = true;
      break;
    }
    ++number;
    const std::string_view line(text.data() + at, nl - at);
    at = nl + 1;
    f.whole_bytes = at;
    if (line.empty()) continue;
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return LineError(path, number, "not a JSON object");
    const auto seed = j.find("seed");
    const auto scenario = j.find("scenario");
    const auto verdict = j.find("verdict");
    if (seed == j.end() || !seed->is_number_unsigned() || scenario == j.end() || !scenario->is_string() ||
        verdict == j.end() || !verdict->is_string()) {
      return LineError(path, number, "not a dsim fuzz result (needs \"scenario\", \"seed\" and \"verdict\")");
    }
    if (f.scenario.empty()) {
      f.scenario = scenario->get<std::string>();
    } else if (f.scenario != scenario->get<std::string>()) {
      return LineError(path, number,
                       absl::StrFormat("scenario \"%s\", but earlier lines are \"%s\"",
                                       scenario->get<std::string>(), f.scenario));
    }
    SeedOutcome o;
    o.seed = seed->get<uint64_t>();
    o.pass = verdict->get<std::string>() == "pass";
    if (const auto u = j.find("unmet"); u != j.end() && u->is_array() && !u->empty() && (*u)[0].is_string()) {
      o.why = (*u)[0].get<std::string>();
    } else if (!o.pass) {
      o.why = "failed";
    }
    if (const auto r = j.find("replay"); r != j.end() && r->is_string()) o.replay = r->get<std::string>();
    if (const auto h = j.find("trace_hash"); h != j.end() && h->is_string()) o.trace_hash = h->get<std::string>();
    if (const auto s = j.find("stats"); s != j.end() && s->is_object()) {
      if (const auto w = s->find("wall_time_ms"); w != s->end() && w->is_number()) o.wall_ms = w->get<double>();
    }
    f.seeds.push_back(std::move(o));
  }
  return f;
}

ResultsWriter::~ResultsWriter() {
  if (fd_ >= 0) ::close(fd_);
}

absl::Status ResultsWriter::Open(const std::string& path, bool append, uint64_t keep_bytes) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (append ? 0 : O_TRUNC), 0644);
  if (fd_ < 0) return absl::InvalidArgumentError(absl::StrFormat("--out=%s: cannot write the file", path));
  if (append) {
    // Cut a torn last line, then write after what is left.
    if (::ftruncate(fd_, static_cast<off_t>(keep_bytes)) != 0 ||
        ::lseek(fd_, 0, SEEK_END) < 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("--out=%s: cannot resume the file: %s", path, std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

bool ResultsWriter::Append(const std::string& line) {
  if (fd_ < 0 || !ok_) return false;
  std::string whole = line;
  whole.push_back('\n');
  // One write(2) for the line, so a kill between seeds never leaves half of
  // one; the loop only finishes a short write (a signal, a full pipe).
  const char* p = whole.data();
  size_t left = whole.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok_ = false;
      return false;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

bool ResultsWriter::Close() {
  if (fd_ < 0) return ok_;
  const bool closed = ::close(fd_) == 0;
  fd_ = -1;
  return ok_ && closed;
}

std::string FormatSeedRanges(const std::vector<std::pair<uint64_t, uint64_t>>& ranges, size_t max_ranges) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < ranges.size() && i < max_ranges; ++i) {
    const auto [a, b] = ranges[i];
    parts.push_back(a == b ? absl::StrFormat("%d", a) : absl::StrFormat("%d..%d", a, b));
  }
  std::string s = absl::StrJoin(parts, ", ");
  if (ranges.size() > max_ranges) absl::StrAppendFormat(&s, " ... (%d more ranges)", ranges.size() - max_ranges);
  return s;
}

std::vector<std::pair<uint64_t, uint64_t>> MissingSeeds(const std::map<uint64_t, SeedOutcome>& done,
                                                        uint64_t first, uint64_t last) {
  std::vector<std::pair<uint64_t, uint64_t>> missing;
  uint64_t next = first;  // the first seed not yet accounted for
  bool past_end = false;
  for (auto it = done.lower_bound(first); it != done.end() && it->first <= last; ++it) {
    if (it->first > next) missing.emplace_back(next, it->first - 1);
    if (it->first == last) {
      past_end = true;
      break;
    }
    next = it->first + 1;
  }
  if (!past_end) missing.emplace_back(next, last);
  return missing;
}

void PrintFailingSeeds(const std::map<uint64_t, SeedOutcome>& failing, uint64_t failed, bool all_in_out,
                       std::ostream& out) {
  if (failed == 0) return;
  out << "failing seeds:\n";
  size_t shown = 0;
  for (const auto& [seed, o] : failing) {
    if (shown++ == kShownFailures) break;
    out << absl::StrFormat("  %d  %s\n", seed, o.why);
    if (!o.replay.empty()) out << absl::StrFormat("      %s\n", o.replay);
  }
  const uint64_t listed = std::min<uint64_t>(failing.size(), kShownFailures);
  if (failed > listed) {
    out << absl::StrFormat("  ... and %d more%s\n", failed - listed, all_in_out ? " (all in --out)" : "");
  }
}

}  // namespace dsim
