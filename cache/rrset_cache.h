// The RRset cache: every RRset of the cached answers, keyed by (upstream group, owner, type,
// class), with its rank (security status, then whether it answered the exact question or was
// learned along a chain) and its expiry. An entry holds no copy of its records: it points into
// the wire form of the answer that brought them (kept alive by reference count). It decides
// which copy of an RRset stands when two answers disagree, so that nothing a forged or
// lower-ranked answer says replaces what the cache holds (THREATS rules 9-13). Loop-thread only;
// the clock is passed in.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cache/answer_rrsets.h"
#include "cache/cached_answer.h"
#include "cache/compact_table.h"
#include "cache/security.h"

namespace vigil::cache {

struct CachedRRset {
  AnswerRef answer;       // whose wire form holds the records; its security, source and time
  uint32_t ttl = 0;       // seconds after the answer's stored_ms, after the cache's clamps
  uint32_t lock_ms = 0;   // locked for this long after the answer's stored_ms
  uint16_t offset = 0;    // its first record in the answer's wire form
  uint16_t type = 0;      // the type (for RRSIGs, the type they cover)
  uint16_t rclass = 0;
  Trust trust = Trust::Chain;
  // The answer whose wire form holds the records is also the cached answer to its own question
  // (a single-RRset answer whose RRset's key is the question): one entry serves both.
  bool is_answer = false;

  Security security() const { return answer->security; }
  uint64_t stored_ms() const { return answer->stored_ms; }
  uint64_t expires_ms() const { return answer->stored_ms + uint64_t{ttl} * 1000; }
  uint64_t locked_until_ms() const { return answer->stored_ms + lock_ms; }
};

enum class Offer : uint8_t {
  Stored,   // the offered copy is now the cached one
  Same,     // the cache already holds the same data (refreshed if the offer ranks as high)
  Refused,  // a different copy that ranks higher, or the same rank and still locked, stands
};

struct OfferResult {
  Offer outcome = Offer::Stored;
  EntryRef standing;  // the entry the cache holds after the offer
  // The answer the entry served before it was refreshed in place from the offered one: still
  // current (its RRset stands), it needs an entry of its own.
  AnswerRef displaced;
};

class RRsetCache {
 public:
  explicit RRsetCache(uint64_t hash_seed = 0) : seed_(hash_seed) {}

  // RFC 2181 5.4.1, in order: an expired copy is replaced; a copy with the same data is kept
  // (and refreshed by an offer that ranks as high); a higher rank replaces a different copy; an
  // equal rank replaces it once its lock ran out; a lower rank never does. Rank is the security
  // status first, then Trust. `rrset` lies in `answer`'s wire form; `ttl` is its TTL after the
  // cache's clamps; the offer is made at the answer's stored_ms. Like PowerDNS's locked TTL: for
  // `locked_ttl_percent` of its TTL a cached RRset is not replaced by a different copy of the
  // same rank (a spoofed answer to another question cannot overwrite it).
  OfferResult offer(const AnswerRef& answer, const AnswerRRset& rrset, uint32_t ttl,
                    unsigned locked_ttl_percent);

  // The unexpired entry for the key, or nullptr. `owner` in lower case.
  const CachedRRset* find(uint16_t group, dns::Bytes owner, uint16_t type, uint16_t rclass,
                          uint64_t now_ms) const;
  // The entry `ref` names, if it is still the same (not replaced, evicted or flushed), or nullptr.
  const CachedRRset* get(EntryRef ref) const {
    return entries_.is_live(ref) ? &entries_.at(ref.index) : nullptr;
  }
  void touch(EntryRef ref) { entries_.touch(ref.index); }

  // Answers held in RRset entries (is_answer): the entry whose answer is the cached answer to
  // the question (`qname` in any letter case), or kNone.
  uint32_t find_answer(uint16_t group, dns::Bytes qname, uint16_t type, uint16_t rclass) const;
  const CachedRRset& at(uint32_t index) const { return entries_.at(index); }
  // The entry `ref` names, which holds the records of its own answer, now serves as that answer.
  void mark_answer(EntryRef ref);
  // The entry no longer serves as an answer (its RRset stays).
  void drop_answer(uint32_t index);
  std::size_t answer_count() const { return answer_count_; }
  void touch_index(uint32_t index) { entries_.touch(index); }

  // Evicts one entry (SIEVE); false if there is none.
  bool evict_one();
  // Erases every entry for which pred(entry) holds; returns how many.
  template <typename Pred>
  std::size_t erase_if(Pred pred) {
    std::vector<uint32_t> doomed;
    entries_.for_each([&](uint32_t at, const CachedRRset& rrset) {
      if (pred(rrset)) doomed.push_back(at);
    });
    for (const uint32_t at : doomed) erase(at);
    return doomed.size();
  }
  template <typename F>
  void for_each(F f) const {
    entries_.for_each([&](uint32_t, const CachedRRset& rrset) { f(rrset); });
  }
  void clear();

  std::size_t size() const { return entries_.size(); }
  // The entries' own bytes; the answers they point into are counted with the answers.
  std::size_t entry_bytes() const { return entries_.size() * CompactTable<CachedRRset>::kEntryBytes; }
  uint64_t evictions() const { return evictions_; }
  // Answers evicted with the entry that held them.
  uint64_t answer_evictions() const { return answer_evictions_; }

 private:
  uint64_t hash(uint16_t group, dns::Bytes owner, uint16_t type, uint16_t rclass) const;
  uint32_t find_index(uint16_t group, dns::Bytes owner, uint16_t type, uint16_t rclass) const;
  EntryRef insert(uint64_t hash, CachedRRset rrset);
  void erase(uint32_t at);

  uint64_t seed_;
  CompactTable<CachedRRset> entries_;
  uint64_t evictions_ = 0;
  std::size_t answer_count_ = 0;  // entries with is_answer
  uint64_t answer_evictions_ = 0;
};

// The owner of a cached RRset, in lower case.
dns::WireName owner_of(const CachedRRset& rrset);

}  // namespace vigil::cache
