#include "cache/rrset_cache.h"

#include "cache/listing.h"
#include "cache/question_key.h"
#include "dns/ldns_ptr.h"
#include "dns/name.h"

namespace vigil::cache {

namespace {

// Security first, then Trust: a validated RRset learned along a chain still beats an unchecked
// answer to the exact question.
int rank(Security security, Trust trust) {
  return static_cast<int>(security) * 2 + static_cast<int>(trust);
}

std::size_t cost(const std::string& key, const CachedRRset& rrset) {
  // The shared CachedRRset (with its control block), the key, the records, the fingerprint and
  // the upstream's name, each on the heap.
  return kTableEntryBytes + sizeof(std::shared_ptr<CachedRRset>) + sizeof(CachedRRset) +
         5 * kHeapBlockBytes +
         key.size() + rrset.rrset.records.size() + rrset.rrset.fingerprint.size() +
         rrset.upstream.size();
}

}  // namespace

void RRsetCache::set_limits(const RRsetLimits& limits) {
  limits_ = limits;
  entries_.shrink_to(limits_.max_bytes);
}

OfferResult RRsetCache::offer(AnswerRRset rrset, Security security, uint32_t ttl,
                              const std::string& upstream, uint64_t now_ms) {
  auto fresh = std::make_shared<CachedRRset>();
  fresh->security = security;
  fresh->upstream = upstream;
  fresh->stored_ms = now_ms;
  fresh->expires_ms = now_ms + uint64_t{ttl} * 1000;
  fresh->locked_until_ms = now_ms + uint64_t{ttl} * 10 * limits_.locked_ttl_percent;
  // The table holds the key: the stored copy does not keep a second one.
  const std::string key = std::move(rrset.key);
  fresh->rrset = StoredRRset{std::move(rrset.records), std::move(rrset.fingerprint), rrset.trust};

  auto* slot = entries_.find(key);
  if (slot == nullptr || slot->value.rrset->expires_ms <= now_ms) {
    put(key, fresh);
    return {Offer::Stored, fresh};
  }
  CachedRRset& cached = *slot->value.rrset;
  const int offered_rank = rank(security, fresh->rrset.trust);
  const int cached_rank = rank(cached.security, cached.rrset.trust);
  if (cached.rrset.fingerprint == fresh->rrset.fingerprint) {
    if (offered_rank >= cached_rank) {
      // Same data: refreshed in place, so the answers built on it stay valid.
      const auto lock = cached.locked_until_ms;
      cached = *fresh;
      cached.locked_until_ms = std::max(lock, fresh->locked_until_ms);
      entries_.set_cost(*slot, cost(key, cached));
    }
    entries_.touch(*slot);
    return {Offer::Same, slot->value.rrset};
  }
  const bool replace = offered_rank > cached_rank ||
                       (offered_rank == cached_rank && now_ms >= cached.locked_until_ms);
  if (!replace) return {Offer::Refused, slot->value.rrset};
  put(key, fresh);
  return {Offer::Stored, fresh};
}

void RRsetCache::put(const std::string& key, std::shared_ptr<CachedRRset> rrset) {
  entries_.erase(key);
  const std::size_t bytes = cost(key, *rrset);
  if (bytes > limits_.max_bytes) return;
  entries_.put(key, Held(std::move(rrset)), bytes);
  entries_.shrink_to(limits_.max_bytes);
}

std::shared_ptr<const CachedRRset> RRsetCache::find(const std::string& key,
                                                    uint64_t now_ms) const {
  const auto* slot = entries_.find(key);
  if (slot == nullptr || slot->value.rrset->expires_ms <= now_ms) return nullptr;
  return slot->value.rrset;
}

std::size_t RRsetCache::flush_unvalidated_from(const std::string& upstream) {
  return entries_.erase_if([&](const std::string&, const Held& held) {
    return held.rrset->upstream == upstream && held.rrset->security != Security::Secure;
  });
}

std::vector<std::string> RRsetCache::listing(const std::string& key, const CachedRRset& rrset,
                                             uint64_t now_ms) const {
  const KeyedQuestion keyed = keyed_question(key);
  const dns::LdnsStr type(ldns_rr_type2str(static_cast<ldns_rr_type>(keyed.qtype)));
  std::vector<std::string> lines{
      "; rrset " + dns::to_text(keyed.qname) + " " + type.get() +
      " security=" + to_string(rrset.security) +
      " trust=" + (rrset.rrset.trust == Trust::Answer ? "answer" : "chain") +
      " upstream=" + (rrset.upstream.empty() ? "-" : rrset.upstream) +
      " ttl=" + std::to_string((rrset.expires_ms - now_ms) / 1000) +
      (now_ms < rrset.locked_until_ms ? " locked" : "")};
  const auto elapsed = static_cast<uint32_t>((now_ms - rrset.stored_ms) / 1000);
  const auto& records = rrset.rrset.records;
  std::size_t position = 0;
  while (position < records.size()) {
    ldns_rr* parsed = nullptr;
    if (ldns_wire2rr(&parsed, records.data(), records.size(), &position, LDNS_SECTION_ANSWER) !=
        LDNS_STATUS_OK) {
      break;
    }
    const dns::LdnsRr rr(parsed);
    lines.push_back(record_line(rr.get(), elapsed));
  }
  return lines;
}

std::vector<std::string> RRsetCache::dump(uint64_t now_ms) const {
  return lookup({}, 0, now_ms);
}

std::vector<std::string> RRsetCache::lookup(dns::Bytes name, uint16_t type,
                                            uint64_t now_ms) const {
  std::vector<std::string> lines;
  entries_.for_each([&](const std::string& key, const Held& held) {
    if (held.rrset->expires_ms <= now_ms || !is_named(key, name, type, false)) return;
    auto block = listing(key, *held.rrset, now_ms);
    lines.insert(lines.end(), block.begin(), block.end());
  });
  return lines;
}

std::size_t RRsetCache::flush(dns::Bytes name, bool subtree) {
  return entries_.erase_if(
      [&](const std::string& key, const Held&) { return is_named(key, name, 0, subtree); });
}

void RRsetCache::clear() { entries_.clear(); }

}  // namespace vigil::cache
