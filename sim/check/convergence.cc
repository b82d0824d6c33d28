#include "sim/check/convergence.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_format.h"
#include "sim/time.h"

namespace dsim {

ConvergenceReport CheckConvergence(const std::vector<StateChange>& changes,
                                   const std::vector<int32_t>& replicas, int64_t healed_ns,
                                   int64_t bound_ns) {
  ConvergenceReport r;
  std::map<int32_t, uint64_t> current;
  // Replay changes in time order; track the last moment the replicas went
  // from unequal to equal at or after the heal.
  std::vector<StateChange> sorted = changes;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const StateChange& a, const StateChange& b) { return a.time_ns < b.time_ns; });
  auto all_equal = [&] {
    std::set<uint64_t> digests;
    for (int32_t rep : replicas) digests.insert(current.count(rep) ? current[rep] : 0);
    return digests.size() <= 1;
  };
  int64_t equal_since = all_equal() ? 0 : -1;
  for (const StateChange& c : sorted) {
    current[c.replica] = c.digest;
    const bool eq = all_equal();
    if (eq && equal_since < 0) equal_since = c.time_ns;
    if (!eq) equal_since = -1;
  }
  if (equal_since < 0) {
    r.converged.ok = false;
    r.converged.violations = 1;
    r.converged.detail = "the replicas never converged";
    return r;
  }
  r.converged_at_ns = std::max(equal_since, healed_ns);
  const int64_t took = r.converged_at_ns - healed_ns;
  if (took > bound_ns) {
    r.converged.ok = false;
    r.converged.violations = 1;
    r.converged.detail = absl::StrFormat("converged %s after the heal, beyond the bound of %s",
                                         FormatDuration(took), FormatDuration(bound_ns));
  } else {
    r.converged.detail = absl::StrFormat("converged %s after the heal", FormatDuration(took));
  }
  return r;
}

std::vector<SideAvailability> MeasureAvailability(const History& h, const AvailabilityInput& in) {
  std::map<std::string, SideAvailability> sides;
  std::map<std::string, std::vector<int64_t>> latencies;
  std::map<int32_t, const HistoryEvent*> open;
  auto count = [&](const HistoryEvent& inv, bool ok, int64_t latency) {
    const std::string side = in.side_of(inv);
    if (side.empty()) return;
    SideAvailability& s = sides[side];
    s.side = side;
    const bool read = in.is_read(inv.f);
    ++s.requests;
    (read ? s.reads : s.writes)++;
    if (ok) {
      ++s.ok;
      (read ? s.reads_ok : s.writes_ok)++;
      latencies[side].push_back(latency);
    }
  };
  for (const HistoryEvent& e : h) {
    if (e.type == OpType::kInvoke) {
      if (e.time_ns >= in.start_ns && e.time_ns < in.end_ns) open[e.process] = &e;
      continue;
    }
    auto it = open.find(e.process);
    if (it == open.end()) continue;
    const HistoryEvent& inv = *it->second;
    open.erase(it);
    const int64_t latency = e.time_ns - inv.time_ns;
    count(inv, e.type == OpType::kOk && latency <= in.deadline_ns, latency);
  }
  for (const auto& [process, inv] : open) count(*inv, false, 0);  // never answered
  std::vector<SideAvailability> out;
  for (auto& [name, s] : sides) {
    std::vector<int64_t>& l = latencies[name];
    std::sort(l.begin(), l.end());
    if (!l.empty()) {
      s.p50_ns = l[l.size() / 2];
      s.p99_ns = l[std::min(l.size() - 1, l.size() * 99 / 100)];
    }
    out.push_back(s);
  }
  return out;
}

}  // namespace dsim
