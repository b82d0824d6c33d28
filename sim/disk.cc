#include "sim/disk.h"

namespace dsim {

void Disk::Put(std::string_view key, std::string_view value) {
  current_.insert_or_assign(std::string(key), std::string(value));
  pending_.push_back({std::string(key), std::string(value), kForever});
  ++writes_;
}

void Disk::Delete(std::string_view key) {
  auto it = current_.find(key);
  if (it != current_.end()) current_.erase(it);
  pending_.push_back({std::string(key), std::nullopt, kForever});
  ++writes_;
}

void Disk::Sync(int64_t now_ns, int64_t durable_at_ns) {
  ++syncs_;
  // Pending writes form a prefix with known durability times (nondecreasing,
  // since a node's syncs complete in order) followed by unsynced ones.
  for (auto it = pending_.rbegin(); it != pending_.rend(); ++it) {
    if (it->durable_at_ns != kForever) break;
    it->durable_at_ns = durable_at_ns;
  }
  Fold(now_ns);
}

void Disk::Fold(int64_t upto_ns) {
  size_t n = 0;
  while (n < pending_.size() && pending_[n].durable_at_ns <= upto_ns) {
    Write& w = pending_[n];
    if (w.value) {
      durable_.insert_or_assign(std::move(w.key), std::move(*w.value));
    } else {
      auto it = durable_.find(w.key);
      if (it != durable_.end()) durable_.erase(it);
    }
    ++n;
  }
  pending_.erase(pending_.begin(), pending_.begin() + n);
}

void Disk::Crash(int64_t crash_ns, bool lose_unsynced) {
  Fold(lose_unsynced ? crash_ns : kForever);
  lost_writes_ += pending_.size();
  pending_.clear();
  current_ = durable_;
}

}  // namespace dsim
