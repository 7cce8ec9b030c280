#include "cache/rrset_cache.h"

#include <algorithm>
#include <limits>

#include "cache/key_hash.h"

namespace vigil::cache {

namespace {

// Security first, then Trust: a validated RRset learned along a chain still beats an unchecked
// answer to the exact question.
int rank(Security security, Trust trust) {
  return static_cast<int>(security) * 2 + static_cast<int>(trust);
}

uint32_t lock_ms(uint32_t ttl, unsigned locked_ttl_percent) {
  return static_cast<uint32_t>(
      std::min<uint64_t>(uint64_t{ttl} * 10 * locked_ttl_percent, std::numeric_limits<uint32_t>::max()));
}

}  // namespace

dns::WireName owner_of(const CachedRRset& rrset) {
  dns::WireName owner;
  if (!read_name(rrset.answer->wire(), rrset.offset, owner)) owner.length = 0;
  return owner;
}

uint64_t RRsetCache::hash(uint16_t group, dns::Bytes owner, uint16_t type, uint16_t rclass) const {
  return key_hash(seed_, group, owner, type, rclass);
}

uint32_t RRsetCache::find_index(uint16_t group, dns::Bytes owner, uint16_t type,
                                uint16_t rclass) const {
  return entries_.find(hash(group, owner, type, rclass), [&](const CachedRRset& rrset) {
    if (rrset.type != type || rrset.rclass != rclass || rrset.answer->group != group) return false;
    const dns::WireName cached = owner_of(rrset);
    return cached.length == owner.size() &&
           std::equal(owner.begin(), owner.end(), cached.view().begin());
  });
}

const CachedRRset* RRsetCache::find(uint16_t group, dns::Bytes owner, uint16_t type,
                                    uint16_t rclass, uint64_t now_ms) const {
  const uint32_t at = find_index(group, owner, type, rclass);
  if (at == entries_.kNone || entries_.at(at).expires_ms() <= now_ms) return nullptr;
  return &entries_.at(at);
}

uint32_t RRsetCache::find_answer(uint16_t group, dns::Bytes qname, uint16_t type,
                                 uint16_t rclass) const {
  return entries_.find(hash(group, qname, type, rclass), [&](const CachedRRset& rrset) {
    return rrset.is_answer && rrset.type == type && rrset.rclass == rclass &&
           rrset.answer->group == group && equal_folded(rrset.answer->qname(), qname);
  });
}

void RRsetCache::mark_answer(EntryRef ref) {
  if (!entries_.is_live(ref) || entries_.at(ref.index).is_answer) return;
  entries_.at(ref.index).is_answer = true;
  ++answer_count_;
}

void RRsetCache::drop_answer(uint32_t index) {
  CachedRRset& rrset = entries_.at(index);
  if (!rrset.is_answer) return;
  rrset.is_answer = false;
  --answer_count_;
}

void RRsetCache::erase(uint32_t at) {
  drop_answer(at);
  entries_.erase(at);
}

EntryRef RRsetCache::insert(uint64_t hash, CachedRRset rrset) {
  return entries_.insert(hash, std::move(rrset));
}

OfferResult RRsetCache::offer(const AnswerRef& answer, const AnswerRRset& rrset, uint32_t ttl,
                              unsigned locked_ttl_percent) {
  const uint64_t now_ms = answer->stored_ms;
  CachedRRset fresh{answer, ttl, lock_ms(ttl, locked_ttl_percent), rrset.offset, rrset.type,
                    rrset.rclass, rrset.trust};
  const uint64_t key_hash = hash(answer->group, rrset.owner.view(), rrset.type, rrset.rclass);
  const uint32_t at = find_index(answer->group, rrset.owner.view(), rrset.type, rrset.rclass);
  if (at == entries_.kNone || entries_.at(at).expires_ms() <= now_ms) {
    if (at != entries_.kNone) erase(at);
    return {Offer::Stored, insert(key_hash, std::move(fresh)), {}};
  }
  CachedRRset& cached = entries_.at(at);
  const int offered_rank = rank(answer->security, rrset.trust);
  const int cached_rank = rank(cached.security(), cached.trust);
  if (has_same_rdata(cached.answer->wire(), cached.offset, answer->wire(), rrset.offset)) {
    if (offered_rank >= cached_rank) {
      // Same data: refreshed in place (now read from the new answer), so the answers built on
      // it stay valid; the lock runs to the later of the two ends.
      const uint64_t locked_until = std::max(cached.locked_until_ms(), now_ms + fresh.lock_ms);
      fresh.lock_ms = static_cast<uint32_t>(
          std::min<uint64_t>(locked_until - now_ms, std::numeric_limits<uint32_t>::max()));
      // The records are now read from the new answer: the old one, if it was served from this
      // entry, goes back to the caller (the new one may take its place once stored).
      AnswerRef displaced = cached.is_answer ? cached.answer : AnswerRef{};
      drop_answer(at);
      cached = std::move(fresh);
      entries_.touch(at);
      return {Offer::Same, entries_.ref_of(at), std::move(displaced)};
    }
    entries_.touch(at);
    return {Offer::Same, entries_.ref_of(at), {}};
  }
  const bool replace = offered_rank > cached_rank ||
                       (offered_rank == cached_rank && now_ms >= cached.locked_until_ms());
  if (!replace) return {Offer::Refused, entries_.ref_of(at), {}};
  erase(at);
  return {Offer::Stored, insert(key_hash, std::move(fresh)), {}};
}

bool RRsetCache::evict_one() {
  const uint32_t victim = entries_.victim();
  if (victim == entries_.kNone) return false;
  if (entries_.at(victim).is_answer) ++answer_evictions_;
  erase(victim);
  ++evictions_;
  return true;
}

void RRsetCache::clear() {
  entries_.clear();
  answer_count_ = 0;
}

}  // namespace vigil::cache
