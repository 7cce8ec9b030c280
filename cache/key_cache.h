// The key cache: what the validator proved about zones (validated DNSKEY RRsets, insecure
// delegations, bogus zones, names that are no zone cut), kept for their TTLs so that a chain of
// trust is built once, not once per query. Loop-thread only; the clock is passed in.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "validator/public_key_cache.h"
#include "validator/zone_facts.h"

namespace vigil::cache {

class KeyCache {
 public:
  // A zone with more facts than this is a flood (random subdomains under an insecure zone);
  // the cache then starts afresh rather than grow without bound.
  static constexpr std::size_t kMaxZones = 20000;
  // No fact is kept longer than a day, whatever its TTL says.
  static constexpr uint32_t kMaxTtlSeconds = 86400;

  // Drops facts that expired before `now_s`; returns the facts still valid.
  const validator::ZoneFacts& facts(uint64_t now_s);

  // Stores what one validation learned, each fact until now_s + its TTL (capped).
  void store(const validator::ZoneFacts& learned, uint64_t now_s);

  // Forgets everything: after a reload with other anchors, or a clock jump (THREATS rule 19).
  void clear();

  std::size_t size() const { return facts_.size(); }

  // The OpenSSL form of the keys the validator used, so the next signature by the same key does
  // not build it again. Cleared with the facts.
  validator::PublicKeyCache& public_keys() { return public_keys_; }

 private:
  validator::ZoneFacts facts_;
  validator::PublicKeyCache public_keys_;
  std::map<std::string, uint64_t> expires_;
};

}  // namespace vigil::cache
