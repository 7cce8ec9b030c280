#include "cache/answer_cache.h"

#include <algorithm>

#include "cache/answer_rrsets.h"

namespace vigil::cache {

void AnswerCache::set_limits(const CacheLimits& limits) {
  messages_.set_limits(limits, limits.max_bytes / 2);
  rrsets_.set_limits(RRsetLimits{limits.max_bytes - limits.max_bytes / 2,
                                 limits.locked_ttl_percent});
}

StoreResult AnswerCache::store(const std::string& key, uint64_t group_id, dns::Bytes qname,
                               dns::Bytes wire, Security security, uint64_t now_ms,
                               const std::string& upstream) {
  StoreResult result;
  const CacheLimits& limits = messages_.limits();
  if (limits.max_bytes == 0) return result;
  auto rrsets = answer_rrsets(wire, group_id, qname);
  if (!rrsets) return result;
  std::vector<std::shared_ptr<const CachedRRset>> standing;
  for (auto& rrset : *rrsets) {
    // THREATS rule 13: the same clamps as the answer's.
    const uint32_t ttl = std::clamp(rrset.ttl, std::min(limits.min_ttl, limits.max_ttl),
                                    limits.max_ttl);
    if (ttl == 0) continue;
    const Trust trust = rrset.trust;
    std::string rrset_key = rrset.key;
    auto offered = rrsets_.offer(std::move(rrset), security, ttl, upstream, now_ms);
    if (offered.outcome == Offer::Refused) {
      result.refused.push_back({std::move(rrset_key), security, trust, offered.standing});
    } else {
      standing.push_back(std::move(offered.standing));
    }
  }
  if (!result.refused.empty()) return result;
  messages_.store(key, wire, security, now_ms, upstream, std::move(standing));
  result.stored = true;
  return result;
}

std::size_t AnswerCache::flush_unvalidated_from(const std::string& upstream) {
  rrsets_.flush_unvalidated_from(upstream);
  return messages_.flush_unvalidated_from(upstream);
}

std::vector<std::string> AnswerCache::dump(uint64_t now_ms) const {
  auto lines = rrsets_.dump(now_ms);
  auto answers = messages_.dump(now_ms);
  lines.insert(lines.end(), answers.begin(), answers.end());
  return lines;
}

std::vector<std::string> AnswerCache::lookup(dns::Bytes name, uint16_t type,
                                             uint64_t now_ms) const {
  auto lines = rrsets_.lookup(name, type, now_ms);
  auto answers = messages_.lookup(name, type, now_ms);
  lines.insert(lines.end(), answers.begin(), answers.end());
  return lines;
}

std::size_t AnswerCache::flush(dns::Bytes name, bool subtree) {
  rrsets_.flush(name, subtree);
  return messages_.flush(name, subtree);
}

void AnswerCache::clear() {
  rrsets_.clear();
  messages_.clear();
}

}  // namespace vigil::cache
