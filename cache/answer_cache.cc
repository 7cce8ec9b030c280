#include "cache/answer_cache.h"

#include <algorithm>
#include <limits>
#include <random>

#include "cache/answer_rrsets.h"
#include "cache/key_hash.h"
#include "cache/listing.h"
#include "dns/dnssec_records.h"
#include "dns/name.h"
#include "dns/packed_layout.h"

namespace vigil::cache {

namespace {

constexpr std::size_t kMaxIds = std::numeric_limits<uint16_t>::max() + std::size_t{1};

uint64_t random_seed() {
  std::random_device device;
  return (uint64_t{device()} << 32) | device();
}

bool is_expired_past_stale(const CachedAnswer& answer, const CacheLimits& limits, uint64_t now_ms) {
  return answer.expires_ms() <= now_ms &&
         now_ms - answer.expires_ms() > uint64_t{limits.stale_max_seconds} * 1000;
}

// The answer is one RRset whose key is the question (owner, type and class): the RRset's entry
// can hold the answer too. A CNAME chain, a negative answer or several RRsets cannot.
bool holds_only_itself(const std::vector<AnswerRRset>& rrsets, std::size_t kept,
                       const Question& question) {
  return rrsets.size() == 1 && kept == 1 && rrsets[0].trust == Trust::Answer &&
         rrsets[0].type == question.qtype && rrsets[0].rclass == question.qclass &&
         equal_folded(rrsets[0].owner.view(), question.qname);
}

bool has_question(const CachedAnswer& answer, uint16_t group, const Question& question) {
  return answer.group == group && answer.qtype() == question.qtype &&
         answer.qclass() == question.qclass && equal_folded(answer.qname(), question.qname);
}

}  // namespace

const std::vector<uint8_t>* StaleAnswer::plain() const {
  static const std::vector<uint8_t> kNone;
  return plain_form ? &plain_form->wire : &kNone;
}

AnswerCache::AnswerCache(const CacheLimits& limits)
    : limits_(limits), seed_(random_seed()), rrsets_(seed_ ^ 0x5bd1e995) {}

AnswerCache::~AnswerCache() = default;

void AnswerCache::set_limits(const CacheLimits& limits) {
  limits_ = limits;
  shrink();
}

std::optional<uint16_t> AnswerCache::group_id_of(uint64_t group) const {
  const auto found = std::find(groups_.begin(), groups_.end(), group);
  if (found == groups_.end()) return std::nullopt;
  return static_cast<uint16_t>(found - groups_.begin());
}

std::optional<uint16_t> AnswerCache::intern_group(uint64_t group) {
  if (auto id = group_id_of(group)) return id;
  if (groups_.size() == kMaxIds) return std::nullopt;
  groups_.push_back(group);
  return static_cast<uint16_t>(groups_.size() - 1);
}

std::optional<uint16_t> AnswerCache::intern_upstream(const std::string& upstream) {
  const auto found = std::find(upstreams_.begin(), upstreams_.end(), upstream);
  if (found != upstreams_.end()) return static_cast<uint16_t>(found - upstreams_.begin());
  if (upstreams_.size() == kMaxIds) return std::nullopt;
  upstreams_.push_back(upstream);
  return static_cast<uint16_t>(upstreams_.size() - 1);
}

uint32_t AnswerCache::find_index(const Question& question) const {
  if (answers_.size() == 0) return answers_.kNone;  // no need to hash
  const auto group = group_id_of(question.group_id);
  if (!group) return answers_.kNone;
  const uint64_t hash = key_hash(seed_, *group, question.qname, question.qtype, question.qclass);
  return answers_.find(hash, [&](const AnswerRef& answer) {
    return has_question(*answer, *group, question);
  });
}

bool AnswerCache::is_current(const CachedAnswer& answer) const {
  for (std::size_t i = 0; i < answer.rrset_count(); ++i) {
    if (rrsets_.get(answer.rrset(i)) == nullptr) return false;
  }
  return true;
}

uint32_t AnswerCache::find_in_rrsets(const Question& question) const {
  if (rrsets_.answer_count() == 0) return answers_.kNone;  // no need to hash
  const auto group = group_id_of(question.group_id);
  if (!group) return answers_.kNone;
  return rrsets_.find_answer(*group, question.qname, question.qtype, question.qclass);
}

const CachedAnswer* AnswerCache::find(const Question& question, uint64_t now_ms) {
  // The common answer first: a question is filed in one table or the other, never both.
  if (const uint32_t own = find_in_rrsets(question); own != answers_.kNone) {
    return find_in_own_rrset(own, now_ms);
  }
  const uint32_t at = find_index(question);
  if (at == answers_.kNone) return nullptr;
  const CachedAnswer& answer = *answers_.at(at);
  if (!is_current(answer)) {
    answers_.erase(at);  // an RRset it holds was replaced or evicted: ask again
    return nullptr;
  }
  if (answer.expires_ms() <= now_ms) {
    if (is_expired_past_stale(answer, limits_, now_ms)) answers_.erase(at);  // no use even stale
    return nullptr;
  }
  answers_.touch(at);
  // Its RRsets are in use too: they are not the first to go.
  for (std::size_t i = 0; i < answer.rrset_count(); ++i) rrsets_.touch(answer.rrset(i));
  return &answer;
}

// An answer held in the entry of its only RRset: that entry is replaced, evicted or flushed with
// the answer, so it is current as long as it is found.
const CachedAnswer* AnswerCache::find_in_own_rrset(uint32_t at, uint64_t now_ms) {
  const CachedAnswer& answer = *rrsets_.at(at).answer;
  if (answer.expires_ms() <= now_ms) {
    // No use even stale: the RRset stays (it may outlive the answer's other records).
    if (is_expired_past_stale(answer, limits_, now_ms)) rrsets_.drop_answer(at);
    return nullptr;
  }
  rrsets_.touch_index(at);
  return &answer;
}

const CachedAnswer* AnswerCache::find(const std::string& key, uint64_t now_ms) {
  const auto question = question_of(key);
  return question ? find(*question, now_ms) : nullptr;
}

std::optional<StaleAnswer> AnswerCache::find_stale(const std::string& key, uint64_t now_ms) const {
  const auto question = question_of(key);
  if (!question) return std::nullopt;
  const CachedAnswer* found = nullptr;
  if (const uint32_t at = find_index(*question); at != answers_.kNone) {
    found = answers_.at(at).get();
  } else if (const uint32_t own = find_in_rrsets(*question); own != answers_.kNone) {
    found = rrsets_.at(own).answer.get();
  }
  if (found == nullptr) return std::nullopt;
  const CachedAnswer& entry = *found;
  // THREATS rule 13: only data that was validated or proven insecure is served stale.
  if (entry.security == Security::Unchecked || entry.expires_ms() > now_ms ||
      is_expired_past_stale(entry, limits_, now_ms)) {
    return std::nullopt;
  }
  StaleAnswer stale;
  stale.wire.assign(entry.wire().begin(), entry.wire().end());
  stale.security = entry.security;
  set_ttls(stale.wire, limits_.stale_ttl);
  if (entry.has_plain_form()) {
    auto form = std::make_unique<PlainForm>();
    form->wire = dns::without_dnssec_records(stale.wire, entry.qtype());
    const auto parsed = dns::parse_message(form->wire);
    if (parsed.ok()) {
      form->layout = parsed.layout;
      form->ttl_offsets = ttl_offsets(form->wire);
      stale.plain_form = std::move(form);
    }
  }
  return stale;
}

StoreResult AnswerCache::store(const std::string& key, uint64_t group_id, dns::Bytes qname,
                               dns::Bytes wire, Security security, uint64_t now_ms,
                               const std::string& upstream) {
  StoreResult result;
  if (limits_.max_bytes == 0) return result;
  // The key is read back from the wire form: it must be the wire's question.
  const auto question = question_of(key);
  const auto parsed = dns::parse_message(wire);
  if (!question || !parsed.ok() || !parsed.layout.question || question->group_id != group_id ||
      parsed.layout.question->qtype != question->qtype ||
      parsed.layout.question->qclass != question->qclass ||
      !dns::equal_ignoring_case(parsed.layout.question->name(wire), question->qname)) {
    return result;
  }
  const auto rrsets = answer_rrsets(wire, parsed.layout, qname);
  const auto packed = dns::pack_layout(parsed.layout);
  auto plan = ttl_plan(wire, parsed.layout, limits_);
  const auto group = intern_group(group_id);
  const auto source = intern_upstream(upstream);
  if (!rrsets || !packed || !plan || !group || !source) return result;

  // THREATS rule 13: the RRsets get the same clamps as the answer.
  std::vector<uint32_t> ttls;
  std::size_t kept = 0;
  for (const auto& rrset : *rrsets) {
    ttls.push_back(std::clamp(rrset.ttl, std::min(limits_.min_ttl, limits_.max_ttl), limits_.max_ttl));
    kept += ttls.back() != 0;
  }
  std::vector<EntryRef> refs(kept);
  AnswerParts parts{wire, *packed, plan->ttl_offsets, refs, {}, now_ms, plan->ttl, security,
                    *source, *group};
  if (dns::has_dnssec_records(wire, question->qtype)) {
    parts.plain_wire = dns::without_dnssec_records(wire, question->qtype);
  }
  AnswerRef answer = CachedAnswer::create(parts, ledger_);
  // Half of the budget at most for one answer (and its RRsets).
  if (!answer || answer->allocated_bytes() + CompactTable<AnswerRef>::kEntryBytes >
                     limits_.max_bytes / 2) {
    return result;
  }

  std::size_t next = 0;
  EntryRef own_rrset;  // the entry that holds this answer's records, if it has one RRset
  AnswerRef same_question;  // a previous answer to this question that an offer displaced
  for (std::size_t i = 0; i < rrsets->size(); ++i) {
    if (ttls[i] == 0) continue;
    const AnswerRRset& rrset = (*rrsets)[i];
    auto offered = rrsets_.offer(answer, rrset, ttls[i], limits_.locked_ttl_percent);
    if (offered.outcome == Offer::Refused) {
      const CachedRRset& standing = *rrsets_.get(offered.standing);
      result.refused.push_back(
          {question_key(group_id, rrset.owner.view(), rrset.type, rrset.rclass), security,
           rrset.trust,
           {standing.security(), standing.trust, upstream_name(standing.answer->upstream)}});
    } else {
      answer.set_rrset(next++, offered.standing);
      own_rrset = offered.standing;
      if (offered.displaced && has_question(*offered.displaced, *group, *question)) {
        same_question = std::move(offered.displaced);  // replaced below, if this one is filed
      } else if (offered.displaced) {
        insert_answer(std::move(offered.displaced));  // still current: it keeps being answered
      }
    }
  }
  if (result.refused.empty()) {
    result.stored = true;
    if (answer->original_ttl > 0) {
      if (const uint32_t at = find_index(*question); at != answers_.kNone) answers_.erase(at);
      if (const uint32_t at = find_in_rrsets(*question); at != answers_.kNone) {
        rrsets_.drop_answer(at);
      }
      const CachedRRset* own = holds_only_itself(*rrsets, next, *question)
                                   ? rrsets_.get(own_rrset) : nullptr;
      if (own != nullptr && own->answer.get() == answer.get()) {
        rrsets_.mark_answer(own_rrset);  // one entry for the answer and its RRset
      } else {
        insert_answer(std::move(answer));
      }
      same_question = {};
    }
  }
  if (same_question) insert_answer(std::move(same_question));  // the new one was not filed
  shrink();
  return result;
}

void AnswerCache::insert_answer(AnswerRef answer) {
  const uint64_t hash =
      key_hash(seed_, answer->group, answer->qname(), answer->qtype(), answer->qclass());
  answers_.insert(hash, std::move(answer));
}

void AnswerCache::shrink() {
  while (bytes() > limits_.max_bytes) {
    // In turn, so that neither side's blocks and entries crowd out the other's.
    if (evict_rrset_next_ && rrsets_.evict_one()) {
      evict_rrset_next_ = false;
      continue;
    }
    evict_rrset_next_ = true;
    const uint32_t victim = answers_.victim();
    if (victim != answers_.kNone) {
      answers_.erase(victim);
      ++evictions_;
    } else if (!rrsets_.evict_one()) {
      break;
    }
  }
}

void AnswerCache::erase_answers_if(const auto& pred, std::size_t& erased) {
  std::vector<uint32_t> doomed;
  answers_.for_each([&](uint32_t at, const AnswerRef& answer) {
    if (pred(*answer)) doomed.push_back(at);
  });
  for (const uint32_t at : doomed) answers_.erase(at);
  erased = doomed.size();
}

std::size_t AnswerCache::flush_unvalidated_from(const std::string& upstream) {
  const auto found = std::find(upstreams_.begin(), upstreams_.end(), upstream);
  if (found == upstreams_.end()) return 0;
  const auto id = static_cast<uint16_t>(found - upstreams_.begin());
  const std::size_t own_before = rrsets_.answer_count();
  rrsets_.erase_if([&](const CachedRRset& rrset) {
    return rrset.answer->upstream == id && rrset.security() != Security::Secure;
  });
  std::size_t erased = 0;
  erase_answers_if([&](const CachedAnswer& answer) {
    return answer.upstream == id && answer.security != Security::Secure;
  }, erased);
  return erased + own_before - rrsets_.answer_count();
}

std::vector<std::string> AnswerCache::dump(uint64_t now_ms) const { return lookup({}, 0, now_ms); }

std::vector<std::string> AnswerCache::lookup(dns::Bytes name, uint16_t type,
                                             uint64_t now_ms) const {
  std::vector<std::string> lines;
  rrsets_.for_each([&](const CachedRRset& rrset) {
    if (rrset.expires_ms() <= now_ms || !is_named(owner_of(rrset).view(), rrset.type, name, type, false)) {
      return;
    }
    auto block = rrset_listing(rrset, upstream_name(rrset.answer->upstream), now_ms);
    lines.insert(lines.end(), block.begin(), block.end());
  });
  const auto list_answer = [&](const CachedAnswer& answer) {
    // An answer built on a replaced RRset is never answered again: not listed either.
    if (answer.expires_ms() <= now_ms || !is_current(answer) ||
        !is_named(answer.qname(), answer.qtype(), name, type, false)) {
      return;
    }
    auto block = answer_listing(answer, upstream_name(answer.upstream), now_ms);
    lines.insert(lines.end(), block.begin(), block.end());
  };
  answers_.for_each([&](uint32_t, const AnswerRef& answer) { list_answer(*answer); });
  rrsets_.for_each([&](const CachedRRset& rrset) {
    if (rrset.is_answer) list_answer(*rrset.answer);
  });
  return lines;
}

std::size_t AnswerCache::flush(dns::Bytes name, bool subtree) {
  const std::size_t own_before = rrsets_.answer_count();
  rrsets_.erase_if([&](const CachedRRset& rrset) {
    return is_named(owner_of(rrset).view(), rrset.type, name, 0, subtree);
  });
  std::size_t erased = 0;
  erase_answers_if([&](const CachedAnswer& answer) {
    return is_named(answer.qname(), answer.qtype(), name, 0, subtree);
  }, erased);
  return erased + own_before - rrsets_.answer_count();
}

void AnswerCache::clear() {
  rrsets_.clear();
  answers_.clear();
  groups_.clear();
  upstreams_.clear();
}

}  // namespace vigil::cache
