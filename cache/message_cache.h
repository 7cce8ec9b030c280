// The answer cache: scrubbed, validated upstream answers kept until their TTL runs out, so that
// a second identical question is answered without an upstream query. Loop-thread only; the
// clock is passed in. (Ranking, locking, serve-stale and a byte budget are still to come.)
#pragma once

#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "dns/wire.h"

namespace vigil::cache {

enum class Security : uint8_t { Unchecked, Insecure, Secure };

struct CachedAnswer {
  std::vector<uint8_t> wire;   // the upstream reply (after scrubbing), TTLs as of `stored_ms`
  std::vector<uint8_t> plain;  // the same without RRSIG/NSEC/NSEC3, for clients without DO
  Security security = Security::Unchecked;
  uint64_t stored_ms = 0;
  uint64_t expires_ms = 0;
  std::string upstream;  // who answered, for a flush when it is under attack
};

// THREATS rule 13: TTLs are clamped; the operator may tighten or loosen the clamps.
struct CacheLimits {
  std::size_t max_entries = 10000;  // 0: no answer cache at all
  uint32_t min_ttl = 0;             // seconds; raises short TTLs (0: as the zone says)
  uint32_t max_ttl = 86400;
  uint32_t max_negative_ttl = 3600;  // RFC 2308 5: negative answers are kept for less
};

class MessageCache {
 public:
  static constexpr uint32_t kMaxNegativeTtl = CacheLimits{}.max_negative_ttl;

  explicit MessageCache(CacheLimits limits = {}) : limits_(limits) {}
  void set_limits(const CacheLimits& limits) { limits_ = limits; }

  // RFC 8767 5: how long past its expiry an answer may still be served when no upstream
  // answers, and with what TTL.
  static constexpr uint64_t kMaxStaleMs = 3600 * 1000;
  static constexpr uint32_t kStaleTtl = 30;

  // The entry for `key` with its TTLs counted down to `now_ms`; nullopt when absent or expired.
  std::optional<CachedAnswer> find(const std::string& key, uint64_t now_ms);

  // RFC 8767 (serve-stale): an expired entry, at most kMaxStaleMs past its expiry, that was
  // validated as secure or proven insecure (never unchecked data), with TTLs of kStaleTtl.
  std::optional<CachedAnswer> find_stale(const std::string& key, uint64_t now_ms) const;

  // Keeps `wire` for its smallest TTL (answers) or its SOA's negative TTL (RFC 2308), clamped;
  // a TTL of 0 is not kept. The least recently used entry goes when the cache is full.
  void store(const std::string& key, dns::Bytes wire, Security security, uint64_t now_ms,
             const std::string& upstream = {});

  // THREATS rule 6: forgets the answers from `upstream` that were not validated as secure
  // (a forged one could be among them); returns how many.
  std::size_t flush_unvalidated_from(const std::string& upstream);

  // For the control tool: one block per entry (a comment line with its question, security,
  // source and remaining TTL, then its records in presentation form), for every entry, or for
  // those whose question is `name` (and `qtype`, unless 0). Expired entries are not listed.
  std::vector<std::string> dump(uint64_t now_ms) const;
  std::vector<std::string> lookup(dns::Bytes name, uint16_t qtype, uint64_t now_ms) const;

  // Forgets the entries whose question is `name` (or below it, with `subtree`); returns how many.
  std::size_t flush(dns::Bytes name, bool subtree);

  void clear();
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    CachedAnswer answer;
    std::list<std::string>::iterator recency;
  };
  std::vector<std::string> listing(const std::string& key, const Entry& entry,
                                   uint64_t now_ms) const;
  CacheLimits limits_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> recency_;  // most recently used first
};

// The smallest TTL of the message's records, or for a negative answer min(SOA TTL, SOA minimum)
// (RFC 2308 5), clamped by `limits`; 0 for a negative answer without SOA; nullopt if the message
// does not parse. OPT records do not count.
std::optional<uint32_t> cache_ttl(dns::Bytes wire, const CacheLimits& limits = {});

// Sets every record's TTL to `ttl`; OPT records are left alone.
void set_ttls(std::vector<uint8_t>& wire, uint32_t ttl);

// Lowers every record's TTL by `elapsed` seconds (never below 0); OPT records are left alone.
void age_ttls(std::vector<uint8_t>& wire, uint32_t elapsed);

}  // namespace vigil::cache
