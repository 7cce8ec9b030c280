// The answer cache as the pipeline sees it: whole answers keyed by their question, over the
// RRset cache. Storing an answer offers each of its RRsets to the RRset cache first; an answer
// that disagrees with a cached RRset that outranks it (or is locked) is not cached, so a forged
// or lower-ranked answer never replaces what the cache holds (RFC 2181 5.4.1, THREATS rules
// 9-13). Each answer is one heap block (cached_answer.h) in a compact table; the RRset entries
// point into the answers' wire forms. Loop-thread only; the clock is passed in.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cache/cached_answer.h"
#include "cache/compact_table.h"
#include "cache/message_cache.h"
#include "cache/question_key.h"
#include "cache/rrset_cache.h"

namespace vigil::cache {

// The cached RRset that stood against an offered one.
struct StandingRRset {
  Security security = Security::Unchecked;
  Trust trust = Trust::Chain;
  std::string upstream;
};

// An RRset of an answer that the cache refused: its key and what stands instead.
struct RefusedRRset {
  std::string key;  // question_key(group, owner, type, class)
  Security offered_security = Security::Unchecked;
  Trust offered_trust = Trust::Chain;
  StandingRRset standing;
};

struct StoreResult {
  bool stored = false;
  std::vector<RefusedRRset> refused;
};

// RFC 8767: an expired answer served stale, a copy with every TTL set to stale_ttl.
struct StaleAnswer {
  std::vector<uint8_t> wire;
  Security security = Security::Unchecked;
  std::unique_ptr<PlainForm> plain_form;  // only for answers with DNSSEC records to drop

  dns::MessageLayout layout() const { return dns::parse_message(wire).layout; }
  const std::vector<uint8_t>* plain() const;
  const dns::MessageLayout* plain_layout() const {
    return plain_form ? &plain_form->layout : nullptr;
  }
};

class AnswerCache {
 public:
  explicit AnswerCache(const CacheLimits& limits = {});
  // The blocks point at this cache's ledger: it stays where it is.
  AnswerCache(const AnswerCache&) = delete;
  AnswerCache& operator=(const AnswerCache&) = delete;
  ~AnswerCache();

  void set_limits(const CacheLimits& limits);
  const CacheLimits& limits() const { return limits_; }

  // The entry for the question, unexpired and built on RRsets that are all still current;
  // nullptr otherwise. Counts as a hit for the eviction policy. Valid until the next change.
  const CachedAnswer* find(const Question& question, uint64_t now_ms);
  const CachedAnswer* find(const std::string& key, uint64_t now_ms);

  // RFC 8767 (serve-stale): an expired entry, at most stale_max_seconds past its expiry, that
  // was validated as secure or proven insecure (never unchecked data), with TTLs of stale_ttl.
  std::optional<StaleAnswer> find_stale(const std::string& key, uint64_t now_ms) const;

  // `key` is the question's key (question_key), which must be the question of `wire`;
  // `group_id` and `qname` name the question so the RRsets get their keys and ranks. The
  // answer is kept for its smallest TTL (answers) or its SOA's negative TTL (RFC 2308),
  // clamped; a TTL of 0 is not kept. Entries are evicted (SIEVE) to stay within the budget.
  StoreResult store(const std::string& key, uint64_t group_id, dns::Bytes qname, dns::Bytes wire,
                    Security security, uint64_t now_ms, const std::string& upstream);

  // THREATS rule 6: forgets the answers and RRsets from `upstream` that were not validated as
  // secure (a forged one could be among them); returns how many answers.
  std::size_t flush_unvalidated_from(const std::string& upstream);
  // For the control tool: the RRsets, then the answers; one block per entry (a comment line,
  // then its records in presentation form), for every entry, or for those whose name is `name`
  // (and type `type`, unless 0). Expired entries and answers no longer used are not listed.
  std::vector<std::string> dump(uint64_t now_ms) const;
  std::vector<std::string> lookup(dns::Bytes name, uint16_t type, uint64_t now_ms) const;
  // Forgets the entries whose name is `name` (or below it, with `subtree`); returns how many
  // answers.
  std::size_t flush(dns::Bytes name, bool subtree);
  void clear();

  // Answers (each over its RRsets), with those held in their own RRset's entry.
  std::size_t size() const { return answers_.size() + rrsets_.answer_count(); }
  // What the cache has allocated: the answers' blocks, as malloc counts them, and the table
  // entries of answers and RRsets.
  std::size_t bytes() const {
    return ledger_.bytes + answers_.size() * CompactTable<AnswerRef>::kEntryBytes +
           rrsets_.entry_bytes();
  }
  uint64_t evictions() const {
    return evictions_ + rrsets_.evictions() + rrsets_.answer_evictions();
  }
  const RRsetCache& rrsets() const { return rrsets_; }

 private:
  uint32_t find_index(const Question& question) const;
  // The RRset entry that holds the answer to the question (its only RRset), or kNone.
  uint32_t find_in_rrsets(const Question& question) const;
  // The answer held in the RRset entry at `index`, if it can be answered at `now_ms`.
  const CachedAnswer* find_in_own_rrset(uint32_t index, uint64_t now_ms);
  // Files an answer under its own question in the answer table.
  void insert_answer(AnswerRef answer);
  bool is_current(const CachedAnswer& answer) const;
  std::optional<uint16_t> group_id_of(uint64_t group) const;
  std::optional<uint16_t> intern_group(uint64_t group);
  std::optional<uint16_t> intern_upstream(const std::string& upstream);
  const std::string& upstream_name(uint16_t id) const { return upstreams_.at(id); }
  void erase_answers_if(const auto& pred, std::size_t& erased);
  // Evicts answers and RRsets in turn until the cache is within its budget.
  void shrink();

  ByteLedger ledger_;  // first: the tables' blocks take themselves off it as they go
  CacheLimits limits_;
  uint64_t seed_;
  std::vector<uint64_t> groups_;        // the cache's small ids for upstream groups...
  std::vector<std::string> upstreams_;  // ...and upstreams, kept in each block
  CompactTable<AnswerRef> answers_;
  RRsetCache rrsets_;
  uint64_t evictions_ = 0;
  bool evict_rrset_next_ = false;
};

}  // namespace vigil::cache
