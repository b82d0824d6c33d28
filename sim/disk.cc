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
  // The latest write of each matching key: the image, then the log on top.
  std::vector<std::pair<std::string_view, const std::string*>> found;  // value nullptr: deleted
  absl::flat_hash_map<std::string_view, size_t> at;
  auto note = [&](std::string_view key, const std::string* value) {
    auto [it, fresh] = at.try_emplace(key, found.size());
    if (fresh) {
      found.emplace_back(key, value);
    } else {
      found[it->second].second = value;
    }
  };
  for (const auto& [k, v] : image_) {
    if (std::string_view(k).substr(0, prefix.size()) == prefix) note(k, &v);
  }
  for (const Write& w : log_) {
    if (std::string_view(w.key).substr(0, prefix.size()) == prefix) note(w.key, w.value ? &*w.value : nullptr);
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [key, value] : found) {
    if (value != nullptr) fn(key, *value);
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
