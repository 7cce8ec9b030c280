// The answer cache as the pipeline sees it: the message cache on top of the RRset cache. Storing
// an answer offers each of its RRsets to the RRset cache first; an answer that disagrees with a
// cached RRset that outranks it (or is locked) is not cached, so a forged or lower-ranked answer
// never replaces what the cache holds (RFC 2181 5.4.1, THREATS rules 9-13).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cache/message_cache.h"
#include "cache/rrset_cache.h"

namespace vigil::cache {

// An RRset of an answer that the cache refused: its key and what stands instead.
struct RefusedRRset {
  std::string key;
  Security offered_security = Security::Unchecked;
  Trust offered_trust = Trust::Chain;
  std::shared_ptr<const CachedRRset> standing;
};

struct StoreResult {
  bool stored = false;
  std::vector<RefusedRRset> refused;
};

class AnswerCache {
 public:
  explicit AnswerCache(const CacheLimits& limits = {}) { set_limits(limits); }
  // Half of the byte budget goes to whole answers, half to their RRsets.
  void set_limits(const CacheLimits& limits);
  const CacheLimits& limits() const { return messages_.limits(); }

  const CachedAnswer* find(const std::string& key, uint64_t now_ms) {
    return messages_.find(key, now_ms);
  }
  std::optional<CachedAnswer> find_stale(const std::string& key, uint64_t now_ms) const {
    return messages_.find_stale(key, now_ms);
  }

  // `key` is the question's key (question_key); `group_id` and `qname` name the question so the
  // RRsets get their keys and ranks.
  StoreResult store(const std::string& key, uint64_t group_id, dns::Bytes qname, dns::Bytes wire,
                    Security security, uint64_t now_ms, const std::string& upstream);

  std::size_t flush_unvalidated_from(const std::string& upstream);
  // For the control tool: the RRsets, then the answers.
  std::vector<std::string> dump(uint64_t now_ms) const;
  std::vector<std::string> lookup(dns::Bytes name, uint16_t type, uint64_t now_ms) const;
  std::size_t flush(dns::Bytes name, bool subtree);
  void clear();

  std::size_t size() const { return messages_.size(); }  // answers (each over its RRsets)
  std::size_t bytes() const { return messages_.bytes() + rrsets_.bytes(); }
  uint64_t evictions() const { return messages_.evictions() + rrsets_.evictions(); }
  const MessageCache& messages() const { return messages_; }
  const RRsetCache& rrsets() const { return rrsets_; }

 private:
  MessageCache messages_;
  RRsetCache rrsets_;
};

}  // namespace vigil::cache
