// What the answer cache does with a message's TTLs: how long it is kept (RFC 1035, RFC 2308,
// the operator's clamps), where its TTLs lie, and lowering them as the answer ages.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dns/message.h"
#include "dns/wire.h"

namespace vigil::cache {

// THREATS rule 13: TTLs are clamped; the operator may tighten or loosen the clamps.
struct CacheLimits {
  std::size_t max_bytes = 32u << 20;  // answers and RRsets together; 0: no cache at all
  uint32_t min_ttl = 0;               // seconds; raises short TTLs (0: as the zone says)
  uint32_t max_ttl = 86400;
  uint32_t max_negative_ttl = 3600;  // RFC 2308 5: negative answers are kept for less
  unsigned locked_ttl_percent = 10;  // see RRsetCache::offer
  // RFC 8767 5: how long past its expiry an answer may still be served when no upstream
  // answers (0: never), and with what TTL.
  uint32_t stale_max_seconds = 3600;
  uint32_t stale_ttl = 30;
};

// The smallest TTL of the message's records, or for a negative answer min(SOA TTL, SOA minimum)
// (RFC 2308 5), clamped by `limits`; 0 for a negative answer without SOA; nullopt if the message
// does not parse. OPT records do not count.
std::optional<uint32_t> cache_ttl(dns::Bytes wire, const CacheLimits& limits = {});

// cache_ttl and ttl_offsets from one walk over a message already parsed into `layout`.
struct TtlPlan {
  uint32_t ttl = 0;
  std::vector<uint16_t> ttl_offsets;
};
std::optional<TtlPlan> ttl_plan(dns::Bytes wire, const dns::MessageLayout& layout,
                                const CacheLimits& limits);

// Where each record's TTL lies (OPT records left out); empty if the message is malformed.
std::vector<uint16_t> ttl_offsets(dns::Bytes wire);

// Sets every record's TTL to `ttl`; OPT records are left alone.
void set_ttls(std::vector<uint8_t>& wire, uint32_t ttl);

// Lowers the TTLs at `offsets` by `elapsed` seconds (never below 0).
void age_ttls(std::span<uint8_t> wire, std::span<const uint16_t> offsets, uint32_t elapsed);

}  // namespace vigil::cache
