// The message cache: whole answers, scrubbed and validated, keyed by the question, so that a hit
// is answered from its wire form without re-deriving the chain. Each entry holds the RRsets of
// the RRset cache it was built from; once one of them is replaced or evicted, the entry is no
// longer used. Loop-thread only; the clock is passed in.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cache/budgeted_table.h"
#include "cache/rrset_cache.h"
#include "cache/security.h"
#include "dns/message.h"
#include "dns/packed_layout.h"
#include "dns/wire.h"

namespace vigil::cache {

// An answer without its RRSIG/NSEC/NSEC3, for clients without DO, parsed once when stored.
struct PlainForm {
  std::vector<uint8_t> wire;
  dns::MessageLayout layout;           // points into `wire`: built in place, never moved
  std::vector<uint16_t> ttl_offsets;  // where each record's TTL lies in `wire`
};

struct CachedAnswer {
  std::vector<uint8_t> wire;   // the upstream reply (after scrubbing), TTLs as of `stored_ms`
  // Parsed once, when stored, so a hit is not parsed again; packed, unpacked at each hit.
  dns::PackedLayout packed_layout;
  // The two flags sit in the layout's padding (the entry is 16 bytes smaller than in field order).
  Security security = Security::Unchecked;
  mutable bool prefetched = false;  // a refresh was started for this entry
  std::vector<uint16_t> ttl_offsets;  // where each record's TTL lies in `wire`
  // Only for answers with DNSSEC records to drop (otherwise `wire` serves every client), so an
  // unsigned answer does not carry a second layout. Copies share it until one changes its TTLs.
  std::shared_ptr<const PlainForm> plain_form;
  uint64_t stored_ms = 0;
  uint64_t expires_ms = 0;
  uint32_t original_ttl = 0;
  std::string upstream;  // who answered, for a flush when it is under attack
  std::vector<std::shared_ptr<const CachedRRset>> rrsets;

  // Parses `wire` into `packed_layout`; false if it does not parse.
  bool parse_layouts();
  dns::MessageLayout layout() const { return dns::unpack_layout(packed_layout, wire); }

  // The plain form as client_answer takes it: an empty wire and no layout when there is none.
  const std::vector<uint8_t>* plain() const;
  const dns::MessageLayout* plain_layout() const {
    return plain_form ? &plain_form->layout : nullptr;
  }
  std::span<const uint16_t> plain_ttl_offsets() const {
    return plain_form ? std::span<const uint16_t>(plain_form->ttl_offsets) : std::span<const uint16_t>();
  }

  // Seconds to take off every TTL when the entry is answered at `now_ms`.
  uint32_t age_seconds(uint64_t now_ms) const {
    return static_cast<uint32_t>((now_ms - stored_ms) / 1000);
  }
};

// THREATS rule 13: TTLs are clamped; the operator may tighten or loosen the clamps.
struct CacheLimits {
  std::size_t max_bytes = 32u << 20;  // answers and RRsets together; 0: no cache at all
  uint32_t min_ttl = 0;               // seconds; raises short TTLs (0: as the zone says)
  uint32_t max_ttl = 86400;
  uint32_t max_negative_ttl = 3600;  // RFC 2308 5: negative answers are kept for less
  unsigned locked_ttl_percent = 10;  // see RRsetLimits
  // RFC 8767 5: how long past its expiry an answer may still be served when no upstream
  // answers (0: never), and with what TTL.
  uint32_t stale_max_seconds = 3600;
  uint32_t stale_ttl = 30;
};

class MessageCache {
 public:
  explicit MessageCache(CacheLimits limits = {}) : limits_(limits), max_bytes_(limits.max_bytes) {}
  void set_limits(const CacheLimits& limits, std::size_t max_bytes);

  // The entry for `key`, unexpired and built on RRsets that are all still current; nullptr
  // otherwise. Counts as a hit for the eviction policy. Valid until the next change to the cache.
  const CachedAnswer* find(const std::string& key, uint64_t now_ms);

  // RFC 8767 (serve-stale): an expired entry, at most stale_max_seconds past its expiry, that
  // was validated as secure or proven insecure (never unchecked data), with TTLs of stale_ttl.
  std::optional<CachedAnswer> find_stale(const std::string& key, uint64_t now_ms) const;

  // Keeps `wire` for its smallest TTL (answers) or its SOA's negative TTL (RFC 2308), clamped;
  // a TTL of 0 is not kept. Entries are evicted (SIEVE) to stay within the byte budget.
  void store(const std::string& key, dns::Bytes wire, Security security, uint64_t now_ms,
             const std::string& upstream = {},
             std::vector<std::shared_ptr<const CachedRRset>> rrsets = {});

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
  std::size_t bytes() const { return entries_.bytes(); }
  uint64_t evictions() const { return entries_.evictions(); }
  const CacheLimits& limits() const { return limits_; }

 private:
  std::vector<std::string> listing(const std::string& key, const CachedAnswer& answer,
                                   uint64_t now_ms) const;

  CacheLimits limits_;
  std::size_t max_bytes_;
  BudgetedTable<CachedAnswer> entries_;
};

// The smallest TTL of the message's records, or for a negative answer min(SOA TTL, SOA minimum)
// (RFC 2308 5), clamped by `limits`; 0 for a negative answer without SOA; nullopt if the message
// does not parse. OPT records do not count.
std::optional<uint32_t> cache_ttl(dns::Bytes wire, const CacheLimits& limits = {});

// Where each record's TTL lies (OPT records left out); empty if the message is malformed.
std::vector<uint16_t> ttl_offsets(dns::Bytes wire);

// Sets every record's TTL to `ttl`; OPT records are left alone.
void set_ttls(std::vector<uint8_t>& wire, uint32_t ttl);

// Lowers the TTLs at `offsets` by `elapsed` seconds (never below 0).
void age_ttls(std::span<uint8_t> wire, std::span<const uint16_t> offsets, uint32_t elapsed);

}  // namespace vigil::cache
