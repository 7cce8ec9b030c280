#include "cache/key_cache.h"

#include <algorithm>

namespace vigil::cache {

const validator::ZoneFacts& KeyCache::facts(uint64_t now_s) {
  for (auto it = expires_.begin(); it != expires_.end();) {
    if (it->second <= now_s) {
      facts_.erase(it->first);
      it = expires_.erase(it);
    } else {
      ++it;
    }
  }
  return facts_;
}

void KeyCache::store(const validator::ZoneFacts& learned, uint64_t now_s) {
  if (facts_.size() + learned.size() > kMaxZones) clear();
  for (const auto& [zone, fact] : learned) {
    const uint32_t ttl = std::min(fact.ttl, kMaxTtlSeconds);
    if (ttl == 0) continue;
    facts_[zone] = fact;
    expires_[zone] = now_s + ttl;
  }
}

void KeyCache::clear() {
  facts_.clear();
  expires_.clear();
  public_keys_.clear();
}

}  // namespace vigil::cache
