#include "sim/disk.h"

#include "sim/absl_view.h"

namespace dsim {

const std::string* Disk::Get(std::string_view key) const {
  for (auto it = pending_.rbegin(); it != pending_.rend(); ++it) {
    if (it->key == key) return it->value ? &*it->value : nullptr;
  }
  auto it = durable_.find(AV(key));
  return it == durable_.end() ? nullptr : &it->second;
}

const Disk::Map& Disk::contents() const {
  merged_.clear();
  for (const auto& [k, v] : durable_) merged_.emplace(k, v);  // sorted by the btree
  for (const Write& w : pending_) {
    if (w.value) {
      merged_.insert_or_assign(w.key, *w.value);
    } else if (auto it = merged_.find(w.key); it != merged_.end()) {
      merged_.erase(it);
    }
  }
  return merged_;
}

void Disk::Put(std::string_view key, std::string_view value) {
  ++writes_;
  // Of two unsynced writes of one key only the later can ever be read or
  // made durable: overwrite in place.
  for (auto it = pending_.rbegin(); it != pending_.rend() && it->durable_at_ns == kForever; ++it) {
    if (it->key == key) {
      it->value = std::string(value);
      return;
    }
  }
  pending_.push_back({std::string(key), std::string(value), kForever});
}

void Disk::Delete(std::string_view key) {
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
}

}  // namespace dsim
