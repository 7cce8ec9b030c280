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
  return kEntryOverheadBytes + 2 * key.size() + rrset.rrset.records.size() +
         rrset.rrset.fingerprint.size() + rrset.upstream.size();
}

}  // namespace

void RRsetCache::set_limits(const RRsetLimits& limits) {
  limits_ = limits;
  make_room();
}

OfferResult RRsetCache::offer(AnswerRRset rrset, Security security, uint32_t ttl,
                              const std::string& upstream, uint64_t now_ms) {
  auto fresh = std::make_shared<CachedRRset>();
  fresh->security = security;
  fresh->upstream = upstream;
  fresh->stored_ms = now_ms;
  fresh->expires_ms = now_ms + uint64_t{ttl} * 1000;
  fresh->locked_until_ms = now_ms + uint64_t{ttl} * 10 * limits_.locked_ttl_percent;
  const std::string key = rrset.key;
  fresh->rrset = std::move(rrset);

  const auto found = entries_.find(key);
  if (found == entries_.end() || found->second.rrset->expires_ms <= now_ms) {
    put(key, fresh);
    return {Offer::Stored, fresh};
  }
  CachedRRset& cached = *found->second.rrset;
  const int offered_rank = rank(security, fresh->rrset.trust);
  const int cached_rank = rank(cached.security, cached.rrset.trust);
  if (cached.rrset.fingerprint == fresh->rrset.fingerprint) {
    if (offered_rank >= cached_rank) {
      // Same data: refreshed in place, so the answers built on it stay valid.
      const std::size_t before = cost(key, cached);
      const auto lock = cached.locked_until_ms;
      fresh->current = true;
      cached = *fresh;
      cached.locked_until_ms = std::max(lock, fresh->locked_until_ms);
      bytes_ = bytes_ - before + cost(key, cached);
      found->second.bytes = cost(key, cached);
    }
    order_.touch(found->second.order);
    return {Offer::Same, found->second.rrset};
  }
  const bool replace = offered_rank > cached_rank ||
                       (offered_rank == cached_rank && now_ms >= cached.locked_until_ms);
  if (!replace) return {Offer::Refused, found->second.rrset};
  put(key, fresh);
  return {Offer::Stored, fresh};
}

void RRsetCache::put(const std::string& key, std::shared_ptr<CachedRRset> rrset) {
  if (auto found = entries_.find(key); found != entries_.end()) erase(found);
  const std::size_t bytes = cost(key, *rrset);
  if (bytes > limits_.max_bytes) return;
  auto [it, inserted] = entries_.emplace(key, Entry{std::move(rrset), {}, bytes});
  it->second.order = order_.insert(&it->first);
  bytes_ += bytes;
  make_room();
}

RRsetCache::Entries::iterator RRsetCache::erase(Entries::iterator it) {
  it->second.rrset->current = false;
  order_.erase(it->second.order);
  bytes_ -= it->second.bytes;
  return entries_.erase(it);
}

void RRsetCache::make_room() {
  while (bytes_ > limits_.max_bytes) {
    const auto victim = order_.evict();
    if (!victim) break;
    const auto found = entries_.find(**victim);
    found->second.rrset->current = false;
    bytes_ -= found->second.bytes;
    entries_.erase(found);
    ++evictions_;
  }
}

std::shared_ptr<const CachedRRset> RRsetCache::find(const std::string& key,
                                                    uint64_t now_ms) const {
  const auto found = entries_.find(key);
  if (found == entries_.end() || found->second.rrset->expires_ms <= now_ms) return nullptr;
  return found->second.rrset;
}

std::size_t RRsetCache::flush_unvalidated_from(const std::string& upstream) {
  std::size_t flushed = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    const CachedRRset& rrset = *it->second.rrset;
    if (rrset.upstream == upstream && rrset.security != Security::Secure) {
      it = erase(it);
      ++flushed;
    } else {
      ++it;
    }
  }
  return flushed;
}

std::vector<std::string> RRsetCache::listing(const CachedRRset& rrset, uint64_t now_ms) const {
  const KeyedQuestion keyed = keyed_question(rrset.rrset.key);
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
  for (const auto& [key, entry] : entries_) {
    if (entry.rrset->expires_ms <= now_ms || !is_named(key, name, type, false)) continue;
    auto block = listing(*entry.rrset, now_ms);
    lines.insert(lines.end(), block.begin(), block.end());
  }
  return lines;
}

std::size_t RRsetCache::flush(dns::Bytes name, bool subtree) {
  std::size_t flushed = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (is_named(it->first, name, 0, subtree)) {
      it = erase(it);
      ++flushed;
    } else {
      ++it;
    }
  }
  return flushed;
}

void RRsetCache::clear() {
  for (auto& [key, entry] : entries_) entry.rrset->current = false;
  entries_.clear();
  order_.clear();
  bytes_ = 0;
}

}  // namespace vigil::cache
