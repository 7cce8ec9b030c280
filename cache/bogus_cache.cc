#include "cache/bogus_cache.h"

namespace vigil::cache {

std::string BogusCache::key(uint64_t group_id, dns::Bytes qname, uint16_t qtype,
                            uint16_t qclass) {
  std::string key(reinterpret_cast<const char*>(&group_id), sizeof group_id);
  for (uint8_t c : qname) key += static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c);
  key += static_cast<char>(qtype >> 8);
  key += static_cast<char>(qtype & 0xff);
  key += static_cast<char>(qclass >> 8);
  key += static_cast<char>(qclass & 0xff);
  return key;
}

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
