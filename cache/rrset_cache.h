// The RRset cache: every RRset of the cached answers, keyed by (upstream group, owner, type,
// class), with its security status, its source (which upstream; the answer to the exact question
// or learned along a chain) and its absolute expiry. It decides which copy of an RRset stands
// when two answers disagree, so that nothing a forged or lower-ranked answer says replaces what
// the cache holds (THREATS rules 9-13). Loop-thread only; the clock is passed in.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cache/answer_rrsets.h"
#include "cache/budgeted_table.h"
#include "cache/security.h"
#include "dns/wire.h"

namespace vigil::cache {

// What the cache keeps of an AnswerRRset: its key is the table's, its TTL is in the expiry.
struct StoredRRset {
  std::vector<uint8_t> records;  // the records and then their RRSIGs, uncompressed wire form
  std::string fingerprint;       // the RDATA set, sorted and case-folded
  Trust trust = Trust::Chain;
};

struct CachedRRset {
  StoredRRset rrset;
  Security security = Security::Unchecked;
  std::string upstream;
  uint64_t stored_ms = 0;
  uint64_t expires_ms = 0;
  uint64_t locked_until_ms = 0;
  // False once another copy replaced it or it was evicted: the cached answers built on it are
  // then answered again from upstream.
  bool current = true;
};

struct RRsetLimits {
  std::size_t max_bytes = 16u << 20;
  // Like PowerDNS's locked TTL: for this share of its TTL a cached RRset is not replaced by a
  // different copy of the same rank (a spoofed answer to another question cannot overwrite it).
  unsigned locked_ttl_percent = 10;
};

enum class Offer : uint8_t {
  Stored,   // the offered copy is now the cached one
  Same,     // the cache already holds the same data (refreshed if the offer ranks as high)
  Refused,  // a different copy that ranks higher, or the same rank and still locked, stands
};

struct OfferResult {
  Offer outcome = Offer::Stored;
  std::shared_ptr<const CachedRRset> standing;  // the copy the cache holds after the offer
};

class RRsetCache {
 public:
  explicit RRsetCache(RRsetLimits limits = {}) : limits_(limits) {}
  void set_limits(const RRsetLimits& limits);

  // RFC 2181 5.4.1, in order: an expired copy is replaced; a copy with the same data is kept
  // (and refreshed by an offer that ranks as high); a higher rank replaces a different copy; an
  // equal rank replaces it once its lock ran out; a lower rank never does. Rank is the security
  // status first, then Trust. `ttl` is the RRset's TTL after the cache's clamps.
  OfferResult offer(AnswerRRset rrset, Security security, uint32_t ttl, const std::string& upstream,
                    uint64_t now_ms);

  std::shared_ptr<const CachedRRset> find(const std::string& key, uint64_t now_ms) const;

  // THREATS rule 6: forgets the RRsets from `upstream` that were not validated as secure.
  std::size_t flush_unvalidated_from(const std::string& upstream);
  // For the control tool; see MessageCache.
  std::vector<std::string> dump(uint64_t now_ms) const;
  std::vector<std::string> lookup(dns::Bytes name, uint16_t type, uint64_t now_ms) const;
  std::size_t flush(dns::Bytes name, bool subtree);
  void clear();

  std::size_t size() const { return entries_.size(); }
  std::size_t bytes() const { return entries_.bytes(); }
  uint64_t evictions() const { return entries_.evictions(); }

 private:
  // Marks its RRset as no longer current when it leaves the cache (replaced, evicted, flushed).
  struct Held {
    std::shared_ptr<CachedRRset> rrset;
    explicit Held(std::shared_ptr<CachedRRset> held) : rrset(std::move(held)) {}
    Held(Held&&) noexcept = default;
    Held& operator=(Held&&) noexcept = default;
    ~Held() {
      if (rrset) rrset->current = false;
    }
  };

  void put(const std::string& key, std::shared_ptr<CachedRRset> rrset);
  std::vector<std::string> listing(const std::string& key, const CachedRRset& rrset,
                                   uint64_t now_ms) const;

  RRsetLimits limits_;
  BudgetedTable<Held> entries_;
};


}  // namespace vigil::cache
