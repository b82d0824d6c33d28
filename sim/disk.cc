#include "sim/disk.h"

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include "sim/absl_view.h"

namespace dsim {

const std::string* Disk::Get(std::string_view key) const {
  for (auto it = log_.rbegin(); it != log_.rend(); ++it) {
    if (it->key == key) return it->value ? &*it->value : nullptr;
  }
  auto it = image_.find(AV(key));
  return it == image_.end() ? nullptr : &it->second;
}

const Disk::Map& Disk::contents() const {
  merged_.clear();
  for (const auto& [k, v] : image_) merged_.emplace(k, v);  // sorted by the btree
  for (const Write& w : log_) {
    if (w.value) {
      merged_.insert_or_assign(w.key, *w.value);
    } else if (auto it = merged_.find(w.key); it != merged_.end()) {
      merged_.erase(it);
    }
  }
  return merged_;
}

void Disk::ScanPrefix(std::string_view prefix,
                      absl::FunctionRef<void(std::string_view key, std::string_view value)> fn) const {
  // The image's matching keys sorted, and the log's (for one key, the
  // last write wins), merged with the log on top. No hashing, no copies.
  auto matches = [&](std::string_view k) { return k.substr(0, prefix.size()) == prefix; };
  std::vector<std::pair<std::string_view, const std::string*>> image;
  for (const auto& [k, v] : image_) {
    if (matches(k)) image.emplace_back(k, &v);
  }
  std::sort(image.begin(), image.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const Write*> log;
  for (const Write& w : log_) {
    if (matches(w.key)) log.push_back(&w);
  }
  std::stable_sort(log.begin(), log.end(), [](const Write* a, const Write* b) { return a->key < b->key; });
  size_t i = 0, j = 0;
  while (i < image.size() || j < log.size()) {
    if (j == log.size() || (i < image.size() && image[i].first < log[j]->key)) {
      fn(image[i].first, *image[i].second);
      ++i;
      continue;
    }
    const std::string_view key = log[j]->key;
    while (j + 1 < log.size() && log[j + 1]->key == key) ++j;  // the latest write of the key
    if (log[j]->value) fn(key, *log[j]->value);
    if (i < image.size() && image[i].first == key) ++i;  // overwritten or deleted
    ++j;
  }
}

void Disk::Put(std::string_view key, std::string_view value) {
  ++writes_;
  // Of two unsynced writes of one key only the later can ever be read or
  // made durable: overwrite in place.
  for (auto it = log_.rbegin(); it != log_.rend() && it->durable_at_ns == kForever; ++it) {
    if (it->key == key) {
      it->value = std::string(value);
      return;
    }
  }
  log_.emplace_back(key, value, kForever);
}

void Disk::Delete(std::string_view key) {
  log_.emplace_back(key, std::nullopt, kForever);
  ++writes_;
}

void Disk::Sync(int64_t now_ns, int64_t durable_at_ns) {
  ++syncs_;
  for (auto it = log_.rbegin(); it != log_.rend(); ++it) {
    if (it->durable_at_ns != kForever) break;
    it->durable_at_ns = durable_at_ns;
  }
  if (log_.size() >= image_.size() + fold_after_) Fold(now_ns);
}

// Writes durable by `upto_ns` can no longer be lost: the image takes them.
void Disk::Fold(int64_t upto_ns) {
  size_t n = 0;
  while (n < log_.size() && log_[n].durable_at_ns <= upto_ns) {
    Write& w = log_[n];
    if (w.value) {
      image_.insert_or_assign(std::move(w.key), std::move(*w.value));
    } else {
      auto it = image_.find(w.key);
      if (it != image_.end()) image_.erase(it);
    }
    ++n;
  }
  log_.erase(log_.begin(), log_.begin() + static_cast<std::ptrdiff_t>(n));
}

void Disk::Crash(int64_t crash_ns, bool lose_unsynced) {
  if (!lose_unsynced) {
    // The OS had flushed everything: it is all durable from the crash on.
    for (Write& w : log_) w.durable_at_ns = std::min(w.durable_at_ns, crash_ns);
    return;
  }
  // Durability times never decrease along the log: what was not durable at
  // the crash is a suffix.
  size_t keep = log_.size();
  while (keep > 0 && log_[keep - 1].durable_at_ns > crash_ns) --keep;
  lost_writes_ += log_.size() - keep;
  log_.erase(log_.begin() + static_cast<std::ptrdiff_t>(keep), log_.end());
}

}  // namespace dsim
