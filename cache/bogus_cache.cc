#include "cache/bogus_cache.h"

namespace vigil::cache {

std::optional<BogusAnswer> BogusCache::find(const std::string& key, uint64_t now_ms) const {
  const auto found = entries_.find(key);
  if (found == entries_.end() || found->second.expires_ms <= now_ms) return std::nullopt;
  return found->second.answer;
}

void BogusCache::store(const std::string& key, BogusAnswer answer, uint64_t now_ms,
                       uint64_t ttl_ms) {
  if (entries_.size() >= kMaxEntries) {
    std::erase_if(entries_, [now_ms](const auto& entry) { return entry.second.expires_ms <= now_ms; });
    if (entries_.size() >= kMaxEntries) entries_.clear();
  }
  entries_[key] = Entry{std::move(answer), now_ms + ttl_ms};
}

}  // namespace vigil::cache
