#include "sim/check/broadcast.h"

#include <map>
#include <set>

#include "absl/strings/str_format.h"

namespace dsim {
namespace {

void Fail(Finding& f, const std::string& what) {
  if (f.violations++ == 0) f.detail = what;
  f.ok = false;
}

}  // namespace

std::string FormatZxid(int64_t zxid) {
  return absl::StrFormat("0x%x%08x", static_cast<uint64_t>(zxid) >> 32,
                         static_cast<uint64_t>(zxid) & 0xFFFFFFFFull);
}

BroadcastReport CheckOrderedBroadcast(const std::vector<DeliverySequence>& sequences,
                                      const std::vector<Delivered>& broadcasts) {
  BroadcastReport r;
  std::map<int64_t, std::string> proposed;
  for (const Delivered& b : broadcasts) {
    auto [it, fresh] = proposed.emplace(b.zxid, b.value);
    if (!fresh && it->second != b.value) {
      Fail(r.integrity, absl::StrFormat("zxid %s was broadcast as \"%s\" and as \"%s\"",
                                        FormatZxid(b.zxid), it->second, b.value));
    }
  }
  const DeliverySequence* longest = nullptr;
  for (const DeliverySequence& s : sequences) {
    if (longest == nullptr || s.items.size() > longest->items.size()) longest = &s;
    std::set<int64_t> seen;
    for (size_t i = 0; i < s.items.size(); ++i) {
      const Delivered& d = s.items[i];
      auto p = proposed.find(d.zxid);
      if (p == proposed.end() || p->second != d.value) {
        Fail(r.integrity, absl::StrFormat("%s delivered %s \"%s\", which no leader broadcast",
                                          s.label, FormatZxid(d.zxid), d.value));
      }
      if (!seen.insert(d.zxid).second) {
        Fail(r.no_duplicates, absl::StrFormat("%s delivered %s twice", s.label, FormatZxid(d.zxid)));
      }
      if (i > 0 && d.zxid <= s.items[i - 1].zxid) {
        Fail(r.primary_order, absl::StrFormat("%s delivered %s after %s", s.label,
                                              FormatZxid(d.zxid), FormatZxid(s.items[i - 1].zxid)));
      }
    }
  }
  // Every sequence must be a prefix of the longest; that makes any two
  // prefix-ordered.
  if (longest != nullptr) {
    r.longest = longest->items.size();
    for (const DeliverySequence& s : sequences) {
      for (size_t i = 0; i < s.items.size(); ++i) {
        const Delivered& a = s.items[i];
        const Delivered& b = longest->items[i];
        if (a.zxid != b.zxid || a.value != b.value) {
          Fail(r.prefix_order,
               absl::StrFormat("position %d: %s delivered %s \"%s\" but %s delivered %s \"%s\"", i,
                               s.label, FormatZxid(a.zxid), a.value, longest->label,
                               FormatZxid(b.zxid), b.value));
          break;
        }
      }
    }
  }
  if (r.prefix_order.ok) {
    r.prefix_order.detail = absl::StrFormat("%d sequences, each a prefix of the longest (%d)",
                                            sequences.size(), r.longest);
  }
  if (r.integrity.ok) r.integrity.detail = "every delivery was broadcast, each zxid once";
  if (r.no_duplicates.ok) r.no_duplicates.detail = "no zxid delivered twice";
  if (r.primary_order.ok) r.primary_order.detail = "zxids increase along every sequence";
  return r;
}

}  // namespace dsim
